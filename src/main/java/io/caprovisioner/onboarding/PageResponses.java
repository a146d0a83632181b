package io.caprovisioner.onboarding;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * How every customer page answers: never cached (a page shows one signup's progress), a strict
 * Content-Security-Policy (the service's own scripts and styles only; forms post to the service,
 * which may send the browser on to Stripe Checkout), no referrer (the session id is in the URL),
 * and never a cookie.
 */
final class PageResponses {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; form-action 'self' https://checkout.stripe.com; base-uri 'none'; "
      + "frame-ancestors 'none'";

  private PageResponses() {
  }

  static HttpServerResponse secure(RoutingContext ctx) {
    return ctx.response().putHeader("Cache-Control", "no-store").putHeader("Content-Security-Policy", CSP)
        .putHeader("Referrer-Policy", "no-referrer").putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY");
  }

  static void html(RoutingContext ctx, int status, String html) {
    if (ctx.response().ended()) {
      return;
    }
    secure(ctx).setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(html);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    secure(ctx).setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String error, String detail) {
    json(ctx, status, new JsonObject().put("error", error).put("detail", detail));
  }

  static void seeOther(RoutingContext ctx, String location) {
    if (ctx.response().ended()) {
      return;
    }
    secure(ctx).setStatusCode(303).putHeader("Location", location).end();
  }
}

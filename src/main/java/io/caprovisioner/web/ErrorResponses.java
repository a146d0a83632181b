package io.caprovisioner.web;

import io.caprovisioner.tenant.Refusal;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into a JSON error body; clients never see a stack trace. */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  /** The status {@code ApiServer}'s request timeout fails a request with (nothing else uses it). */
  static final int TIMED_OUT = 503;

  private ErrorResponses() {
  }

  public static void send(RoutingContext ctx, int status, String error, String detail) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.headWritten()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).put("detail", detail).encode());
  }

  /** The router's failure handler. */
  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ClientDisconnect.is(failure)) {
      // nobody to answer; the access log's line for the request says the client reset it
      return;
    }
    if (failure instanceof Refusal r) {
      r.retryAfter().ifPresent(d -> ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
      int status = status(r.kind());
      send(ctx, status, reason(status), r.getMessage());
    } else if (failure instanceof DecodeException) {
      send(ctx, 400, "bad_request", "the body is not valid JSON");
    } else if (failure instanceof HttpException e) {
      int status = e.getStatusCode();
      send(ctx, status, reason(status), e.getPayload() != null ? e.getPayload() : defaultDetail(status));
    } else if (failure == null && ctx.statusCode() == TIMED_OUT) {
      ctx.response().putHeader("Retry-After", "5");
      send(ctx, TIMED_OUT, "timeout", "no answer within the request time limit; try again later");
    } else if (failure == null) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      send(ctx, status, reason(status), defaultDetail(status));
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      send(ctx, 500, "internal_error", "an internal error occurred; see the service log");
    }
  }

  /** The one mapping from a refusal's kind to its HTTP status. */
  static int status(Refusal.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> 404;
      case CONFLICT, BUSY -> 409;
      case INVALID -> 400;
      case UNAVAILABLE -> 503;
    };
  }

  static String reason(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal_error" : "error";
    };
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 401 -> "missing or wrong bearer token";
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this path";
      case 413 -> "request body too large";
      default -> "request failed";
    };
  }
}

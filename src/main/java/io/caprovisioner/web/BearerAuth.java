package io.caprovisioner.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** {@code Authorization: Bearer <ADMIN_API_TOKEN>}, compared in constant time. */
public final class BearerAuth implements Handler<RoutingContext> {
  private final byte[] expected;

  public BearerAuth(String token) {
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && MessageDigest.isEqual(expected, header.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    ErrorResponses.send(ctx, 401, "unauthorized", "missing or wrong bearer token (Authorization: Bearer <ADMIN_API_TOKEN>)");
  }
}

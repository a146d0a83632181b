package io.caprovisioner.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Authorization: Bearer <ADMIN_API_TOKEN>}, compared in constant time. Wrong tokens are
 * logged (one line per address a minute, never the token) and limited per address: past
 * {@link #FAILURES_PER_MINUTE} failures an address gets 429 until its bucket refills, so a token
 * cannot be guessed at network speed.
 */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(BearerAuth.class);
  static final int FAILURES_PER_MINUTE = 120;

  private final byte[] expected;
  private final ClientRateLimiter failures = new ClientRateLimiter(FAILURES_PER_MINUTE);
  private final ClientRateLimiter logLines = new ClientRateLimiter(1);

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
    String client = ClientRateLimiter.clientOf(ctx);
    boolean allowed = failures.allow(client);
    if (logLines.allow(client)) {
      LOG.warn("admin API: {} bearer token from {}{}", header == null ? "no" : "a wrong", client,
          allowed ? "" : " (too many failures: answered 429)");
    }
    if (!allowed) {
      ctx.response().putHeader("Retry-After", Long.toString(60 / FAILURES_PER_MINUTE + 1));
      ErrorResponses.send(ctx, 429, "too_many_requests", "too many failed logins from this address; try again "
          + "shortly");
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    ErrorResponses.send(ctx, 401, "unauthorized", "missing or wrong bearer token (Authorization: Bearer <ADMIN_API_TOKEN>)");
  }
}

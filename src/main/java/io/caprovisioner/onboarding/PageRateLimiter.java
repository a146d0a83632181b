package io.caprovisioner.onboarding;

import io.caprovisioner.web.ClientRateLimiter;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;

/** The customer pages' rate limit per client address: over it, 429 with Retry-After. */
final class PageRateLimiter {
  private final ClientRateLimiter limiter;

  PageRateLimiter(int perMinute, LongSupplier nanoClock) {
    this.limiter = new ClientRateLimiter(perMinute, nanoClock);
  }

  PageRateLimiter(int perMinute) {
    this.limiter = new ClientRateLimiter(perMinute);
  }

  boolean allow(String address) {
    return limiter.allow(address);
  }

  Handler<RoutingContext> handler() {
    return ctx -> {
      if (allow(ClientRateLimiter.clientOf(ctx))) {
        ctx.next();
      } else {
        PageResponses.secure(ctx).putHeader("Retry-After", Long.toString(Math.max(1, 60 / limiter.perMinute())));
        PageResponses.error(ctx, 429, "too_many_requests", "too many requests from this address; try again shortly");
      }
    };
  }
}

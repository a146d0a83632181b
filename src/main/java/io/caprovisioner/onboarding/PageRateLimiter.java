package io.caprovisioner.onboarding;

import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address for the customer pages: {@code perMinute} requests a minute,
 * in bursts of as many. Over the limit: 429 with Retry-After. The address is the connection's
 * (a proxy in front must pass the real one on at the TCP level or limit by itself): a header any
 * client can set would let anyone pick a fresh bucket per request.
 */
final class PageRateLimiter {
  /** Buckets idle for this long are full again and are dropped. */
  private static final long IDLE_NANOS = 10L * 60 * 1_000_000_000L;
  private static final int SWEEP_AT = 10_000;

  private final int perMinute;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  PageRateLimiter(int perMinute, LongSupplier nanoClock) {
    this.perMinute = perMinute;
    this.nanoClock = nanoClock;
  }

  PageRateLimiter(int perMinute) {
    this(perMinute, System::nanoTime);
  }

  /** One request from {@code address}: true when it may go on. */
  boolean allow(String address) {
    long now = nanoClock.getAsLong();
    if (buckets.size() > SWEEP_AT) {
      buckets.values().removeIf(b -> now - b.at > IDLE_NANOS);
    }
    Bucket b = buckets.computeIfAbsent(address, a -> new Bucket(perMinute, now));
    synchronized (b) {
      double refill = (now - b.at) / 60e9 * perMinute;
      b.tokens = Math.min(perMinute, b.tokens + refill);
      b.at = now;
      if (b.tokens < 1) {
        return false;
      }
      b.tokens -= 1;
      return true;
    }
  }

  Handler<RoutingContext> handler() {
    return ctx -> {
      SocketAddress remote = ctx.request().remoteAddress();
      String address = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
      if (allow(address)) {
        ctx.next();
      } else {
        PageResponses.secure(ctx).putHeader("Retry-After", Long.toString(Math.max(1, 60 / perMinute)));
        PageResponses.error(ctx, 429, "too_many_requests", "too many requests from this address; try again shortly");
      }
    };
  }
}

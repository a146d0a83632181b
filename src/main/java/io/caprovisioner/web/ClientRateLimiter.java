package io.caprovisioner.web;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code perMinute} requests (or failures) a minute, in bursts
 * of as many. Used by the customer pages and the admin API's bearer check. The address is the connection's
 * (a proxy in front must pass the real one on at the TCP level or limit by itself): a header any
 * client can set would let anyone pick a fresh bucket per request.
 */
public final class ClientRateLimiter {
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

  public ClientRateLimiter(int perMinute, LongSupplier nanoClock) {
    this.perMinute = perMinute;
    this.nanoClock = nanoClock;
  }

  public ClientRateLimiter(int perMinute) {
    this(perMinute, System::nanoTime);
  }

  /** One request from {@code address}: true when it may go on. */
  public boolean allow(String address) {
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

  public int perMinute() {
    return perMinute;
  }

  /** The connection's address (never a header a client could choose). */
  public static String clientOf(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
  }
}

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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClientRateLimiter.class);
  /** Past this many buckets, those that are full again are dropped (at most once a second). */
  private static final int SWEEP_AT = 10_000;
  private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;
  /**
   * Memory bound (about 15 MB): addresses that spent tokens within the last minute, beyond this
   * many, are a flood from more addresses than a per-address limit can hold back anyway; then
   * every client starts over with a full bucket rather than the heap growing with the flood.
   */
  static final int MAX_BUCKETS = 100_000;

  private final int perMinute;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private volatile long sweptAt;

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
    int size = buckets.size();
    if (size > MAX_BUCKETS || (size > SWEEP_AT && now - sweptAt >= SWEEP_EVERY_NANOS)) {
      sweep(now);
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

  /**
   * A bucket that has refilled by now is the same as none: dropping it changes no answer. So what
   * is kept is bounded by the addresses seen within the last minute, not since the start.
   */
  private synchronized void sweep(long now) {
    sweptAt = now;
    buckets.values().removeIf(b -> {
      synchronized (b) {
        return b.tokens + (now - b.at) / 60e9 * perMinute >= perMinute;
      }
    });
    if (buckets.size() > MAX_BUCKETS) {
      LOG.warn("requests from more than {} client addresses within a minute: rate limit buckets reset", MAX_BUCKETS);
      buckets.clear();
    }
  }

  /** Addresses whose allowance is not full: what this limiter holds in memory. */
  int tracked() {
    return buckets.size();
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

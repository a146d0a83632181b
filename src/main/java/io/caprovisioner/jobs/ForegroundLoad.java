package io.caprovisioner.jobs;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * How busy the acknowledgement path is, as background work sees it, over the current and the
 * previous quarter second: how many requests were answered, and how long they took together.
 * While it is busy, background work yields (issue 18): the dispatcher runs one job per lane,
 * paced, and the Stripe relay queues a few events at a time, so a burst of webhooks is answered
 * at the rate the database allows and its backlog is worked off right after. A real account
 * sends a few events a second; a burst is hundreds.
 *
 * <p>The time taken counts as much as the number: by Little's law their sum over a window is the
 * requests in flight on average. A path slowed by background work answers few requests, each
 * late; counting answers alone, it would never look busy, and the work that slows it would never
 * yield. Lock-free: the request path pays two atomic adds.
 */
public final class ForegroundLoad {
  static final Duration WINDOW = Duration.ofMillis(250);
  /** Requests in two windows (half a second) that make the path busy: 200 a second. */
  static final int BUSY_AT = 100;
  /** Requests in flight, on average over two windows, that make the path busy. */
  static final int BUSY_IN_FLIGHT = 2;
  /** Never busy: runners without a public port of their own (tests, the bench's parts). */
  public static final ForegroundLoad NONE = new ForegroundLoad(Integer.MAX_VALUE, System::nanoTime);

  private final int busyAt;
  private final LongSupplier nanoTime;
  private final long windowNanos = WINDOW.toNanos();
  private final long busyNanos = 2 * WINDOW.toNanos() * BUSY_IN_FLIGHT;
  // two buckets, by the parity of the window's index: the current window and the previous one
  private final AtomicLongArray windows = new AtomicLongArray(2);
  private final AtomicLongArray counts = new AtomicLongArray(2);
  private final AtomicLongArray took = new AtomicLongArray(2);

  public ForegroundLoad() {
    this(BUSY_AT, System::nanoTime);
  }

  ForegroundLoad(int busyAt, LongSupplier nanoTime) {
    this.busyAt = busyAt;
    this.nanoTime = nanoTime;
    windows.set(0, -2);
    windows.set(1, -1);
  }

  /** One request answered (or refused) on the acknowledgement path, after {@code tookNanos}. */
  public void answered(long tookNanos) {
    long window = nanoTime.getAsLong() / windowNanos;
    int bucket = (int) (window & 1);
    long seen = windows.get(bucket);
    if (seen != window && windows.compareAndSet(bucket, seen, window)) {
      // a count or two racing the reset may be lost: the figure is a load level, not an audit
      counts.set(bucket, 0);
      took.set(bucket, 0);
    }
    counts.incrementAndGet(bucket);
    took.addAndGet(bucket, Math.max(0, tookNanos));
  }

  public boolean busy() {
    if (busyAt == Integer.MAX_VALUE) {
      return false;
    }
    long window = nanoTime.getAsLong() / windowNanos;
    return sum(counts, window) >= busyAt || sum(took, window) >= busyNanos;
  }

  private long sum(AtomicLongArray values, long window) {
    return value(values, window) + value(values, window - 1);
  }

  private long value(AtomicLongArray values, long window) {
    int bucket = (int) (window & 1);
    return windows.get(bucket) == window ? values.get(bucket) : 0;
  }
}

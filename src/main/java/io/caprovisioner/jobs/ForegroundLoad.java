package io.caprovisioner.jobs;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * How busy the acknowledgement path is, as background work sees it: the requests answered in the
 * current and the previous quarter second. While it is busy, background work yields (issue 18):
 * the dispatcher runs one job per lane, paced, and the Stripe relay queues in fewer, larger
 * transactions, so a burst of webhooks is answered at the rate the database allows and its
 * backlog is worked off right after. A real account sends a few events a second; a burst is
 * hundreds. Lock-free: the request path pays one atomic add.
 */
public final class ForegroundLoad {
  static final Duration WINDOW = Duration.ofMillis(250);
  /** Requests in two windows (half a second) that make the path busy: 200 a second. */
  static final int BUSY_AT = 100;
  /** Never busy: runners without a public port of their own (tests, the bench's parts). */
  public static final ForegroundLoad NONE = new ForegroundLoad(Integer.MAX_VALUE, System::nanoTime);

  private final int busyAt;
  private final LongSupplier nanoTime;
  private final long windowNanos = WINDOW.toNanos();
  // two buckets, by the parity of the window's index: the current window and the previous one
  private final AtomicLongArray windows = new AtomicLongArray(2);
  private final AtomicLongArray counts = new AtomicLongArray(2);

  public ForegroundLoad() {
    this(BUSY_AT, System::nanoTime);
  }

  ForegroundLoad(int busyAt, LongSupplier nanoTime) {
    this.busyAt = busyAt;
    this.nanoTime = nanoTime;
    windows.set(0, -2);
    windows.set(1, -1);
  }

  /** One request answered (or refused) on the acknowledgement path. */
  public void arrived() {
    long window = nanoTime.getAsLong() / windowNanos;
    int bucket = (int) (window & 1);
    long seen = windows.get(bucket);
    if (seen != window && windows.compareAndSet(bucket, seen, window)) {
      // a count or two racing the reset may be lost: the figure is a load level, not an audit
      counts.set(bucket, 0);
    }
    counts.incrementAndGet(bucket);
  }

  public boolean busy() {
    if (busyAt == Integer.MAX_VALUE) {
      return false;
    }
    long window = nanoTime.getAsLong() / windowNanos;
    return count(window) + count(window - 1) >= busyAt;
  }

  private long count(long window) {
    int bucket = (int) (window & 1);
    return windows.get(bucket) == window ? counts.get(bucket) : 0;
  }
}

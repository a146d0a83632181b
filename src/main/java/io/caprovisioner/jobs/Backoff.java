package io.caprovisioner.jobs;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of
 * many jobs failing together (MySQL down) spread out instead of hammering it in step.
 */
public record Backoff(Duration base, Duration max) {
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(10));

  /** The delay before the next try after {@code attempts} failed tries (1-based). */
  public Duration after(int attempts) {
    int shift = Math.min(Math.max(attempts - 1, 0), 30);
    long ceiling = Math.min(max.toMillis(), base.toMillis() * (1L << shift));
    long half = ceiling / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }
}

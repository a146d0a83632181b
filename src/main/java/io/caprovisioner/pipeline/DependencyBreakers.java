package io.caprovisioner.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** The one place that knows, in this replica, whether each dependency of the tenant steps is up. */
public final class DependencyBreakers implements AutoCloseable {
  /**
   * @param safetyNet  a parked job runs again after this (jittered down to 3/4 of it) even if no wake came
   * @param firstProbe the probe's first look after the breaker opened; doubled after each miss
   * @param maxProbe   the longest the probe waits between two looks
   */
  public record Timing(Duration safetyNet, Duration firstProbe, Duration maxProbe) {
    public static Timing defaults() {
      return new Timing(Duration.ofMinutes(30), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }
  }

  private final Map<Dependency, DependencyBreaker> breakers = new EnumMap<>(Dependency.class);

  /** @param probes for each dependency, a check that succeeds when it answers */
  public DependencyBreakers(Vertx vertx, Pool pool, Map<Dependency, Supplier<Future<Void>>> probes, Timing timing) {
    for (Dependency d : Dependency.values()) {
      Supplier<Future<Void>> probe = probes.get(d);
      if (probe == null) {
        throw new IllegalArgumentException("no probe for " + d.title());
      }
      breakers.put(d, new DependencyBreaker(d, vertx, pool, probe, timing));
    }
  }

  public DependencyBreaker of(Dependency dependency) {
    return breakers.get(dependency);
  }

  @Override
  public void close() {
    breakers.values().forEach(DependencyBreaker::close);
  }
}

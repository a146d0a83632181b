package io.caprovisioner.pipeline;

import java.time.Duration;

/** The dependency breakers' timing in tests: probes every 200 ms to 1 s, so a recovery is seen at once. */
public final class TestBreakers {
  public static final DependencyBreakers.Timing PROBING = new DependencyBreakers.Timing(Duration.ofMinutes(10),
      Duration.ofMillis(200), Duration.ofSeconds(1));

  private TestBreakers() {
  }
}

package io.caprovisioner.bench;

import java.util.List;

/** Which parts a run is made of, in the order they run. Peak RSS comes last: it covers them all. */
public final class BenchParts {
  private BenchParts() {
  }

  /** {@code bench} and {@code bench --quick}. */
  public static List<BenchPart> standard() {
    return List.of(
        new CrashRecovery(),
        new ServiceRss(),
        new WebhookBench(),
        new JobsBench(),
        new CommitBench(),
        new WaitingTenantsCpu(),
        new PeakRss());
  }

  /** {@code bench --fleet N}. */
  public static List<BenchPart> fleet() {
    return List.of(
        new FleetBench(),
        new PeakRss());
  }
}

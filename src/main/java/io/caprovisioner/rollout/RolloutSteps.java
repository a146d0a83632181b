package io.caprovisioner.rollout;

import io.caprovisioner.pipeline.TenantPlan;
import io.caprovisioner.pipeline.TenantStep;
import java.time.Duration;
import java.util.List;

/**
 * A rollout's steps in a running tenant's reconcile: the pre-upgrade backup before the commit;
 * the health check and the report to the rollout after the schema Job. Each applies only to a
 * tenant a rollout upgrades (or rolls back).
 */
public final class RolloutSteps {
  private RolloutSteps() {
  }

  /** @param backup the pre-upgrade backup step(s); empty: none is built in this service */
  public static TenantPlan.UpgradeSteps of(List<TenantStep> backup, SiteProbe probe, Duration poll,
      Duration healthTimeout) {
    return new TenantPlan.UpgradeSteps(backup, List.of(new SiteHealthStep(probe, poll, healthTimeout),
        new RolloutReportStep()));
  }
}

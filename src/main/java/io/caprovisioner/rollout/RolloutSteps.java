package io.caprovisioner.rollout;

import io.caprovisioner.pipeline.TenantPlan;
import java.time.Duration;
import java.util.List;

/**
 * A rollout's steps in a running tenant's reconcile: the check that its pre-upgrade backup is done
 * before the commit; the health check and the report to the rollout after the schema Job. Each applies only to a
 * tenant a rollout upgrades (or rolls back).
 */
public final class RolloutSteps {
  private RolloutSteps() {
  }

  public static TenantPlan.UpgradeSteps of(SiteProbe probe, Duration poll, Duration healthTimeout) {
    return new TenantPlan.UpgradeSteps(List.of(new PreUpgradeBackupGate(poll)),
        List.of(new SiteHealthStep(probe, poll, healthTimeout), new RolloutReportStep()));
  }
}

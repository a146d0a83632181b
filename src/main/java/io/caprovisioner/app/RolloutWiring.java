package io.caprovisioner.app;

import io.caprovisioner.pipeline.TenantPlan;
import io.caprovisioner.rollout.RolloutSteps;
import io.caprovisioner.rollout.SiteProbe;
import io.vertx.core.Vertx;
import java.time.Duration;

/** The service's fleet rollout settings: how often a wave is looked at, how long a site may take to answer. */
final class RolloutWiring {
  static final Duration POLL = Duration.ofSeconds(5);
  static final Duration HEALTH_POLL = Duration.ofSeconds(10);
  static final Duration HEALTH_TIMEOUT = Duration.ofMinutes(10);

  private RolloutWiring() {
  }

  /** The site's public address is asked: what its visitors reach, through the ingress and its certificate. */
  static TenantPlan.UpgradeSteps steps(Vertx vertx) {
    return RolloutSteps.of(SiteProbe.http(vertx, SiteProbe.publicSite()), HEALTH_POLL, HEALTH_TIMEOUT);
  }
}

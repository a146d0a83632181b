package io.caprovisioner.pipeline;

import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.jobs.JobContext;
import io.caprovisioner.tenant.Intent;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantDesired;
import io.vertx.sqlclient.Pool;
import java.util.Optional;

/**
 * What the steps of one reconcile share: the tenant and its desired state as read at the last
 * step boundary, and the job they run for.
 */
public final class ReconcileContext {
  private final JobContext job;
  private final PlanCatalog plans;
  private volatile Tenant tenant;
  private volatile Optional<String> gitAdminEmail;

  ReconcileContext(JobContext job, PlanCatalog plans, Tenant tenant, Optional<String> gitAdminEmail) {
    this.job = job;
    this.plans = plans;
    this.tenant = tenant;
    this.gitAdminEmail = gitAdminEmail;
  }

  public Tenant tenant() {
    return tenant;
  }

  void refresh(Tenant t, Optional<String> adminEmail) {
    this.tenant = t;
    this.gitAdminEmail = adminEmail;
  }

  public Pool pool() {
    return job.pool();
  }

  public JobContext job() {
    return job;
  }

  public Plan plan() {
    return plans.byName(tenant.plan()).orElseThrow(() -> new StepFailure("tenant " + tenant.names().namespace()
        + " has plan '" + tenant.plan() + "', which is not configured (PLANS_FILE)"));
  }

  /**
   * The desired state of the tenant as now recorded: plan, Stripe customer, state from its status
   * and, for a tenant imported from Git, the staff contact its tenant.yaml already holds (so a
   * re-render never drops it).
   */
  public TenantDesired desired() {
    try {
      return TenantDesired.of(tenant, plans, gitAdminEmail);
    } catch (IllegalStateException e) {
      throw new StepFailure(e.getMessage(), e);
    }
  }

  /** The trailers of the commit the newest intent causes. */
  public GitChange change(GitAction fallback) {
    Optional<Intent> intent = tenant.intent();
    GitAction action = intent.map(i -> GitActions.of(i.kind(), fallback)).orElse(fallback);
    boolean fleet = action == GitAction.UPGRADE || action == GitAction.ROLLBACK;
    return new GitChange(action, intent.flatMap(Intent::stripeEventId),
        intent.map(Intent::requestedBy).orElse("reconciler"), fleet ? tenant.rolloutId() : Optional.empty());
  }
}

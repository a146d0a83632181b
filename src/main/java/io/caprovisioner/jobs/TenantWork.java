package io.caprovisioner.jobs;

import io.caprovisioner.config.Config;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.render.TenantDesired;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Optional;

/**
 * What the steps of one tenant job share: the job, the tenant as last read (refreshed before
 * each step), and the configuration.
 */
public final class TenantWork {
  /** Payload key where git.commit keeps the spec hash it pushed, for the await step. */
  public static final String SPEC_HASH = "spec_hash";

  private final JobContext ctx;
  private final Config config;
  private volatile Tenant tenant;

  TenantWork(JobContext ctx, Config config, Tenant tenant) {
    this.ctx = ctx;
    this.config = config;
    this.tenant = tenant;
  }

  public Tenant tenant() {
    return tenant;
  }

  void refresh(Tenant t) {
    this.tenant = t;
  }

  public Config config() {
    return config;
  }

  public Pool pool() {
    return ctx.pool();
  }

  public io.vertx.core.Vertx vertx() {
    return ctx.vertx();
  }

  public Job job() {
    return ctx.job();
  }

  public JsonObject payload() {
    return ctx.job().payload();
  }

  public Plan plan() {
    return config.plans().byName(tenant.plan()).orElseThrow(() ->
        new IllegalStateException("tenant " + tenant.names().namespace() + " has plan '" + tenant.plan()
            + "', which is not configured (PLANS_FILE)"));
  }

  /**
   * The stored tenant's desired state in {@code state}: its plan, Stripe customer and, for a
   * tenant imported from Git, the staff contact its tenant.yaml already holds (so a re-render
   * never drops it). The service itself never adds an email.
   */
  public Future<TenantDesired> desired(TenantState state) {
    return new TenantRepository().desiredState(pool(), tenant.id(), config.plans())
        .map(found -> found.orElseThrow(() -> new IllegalStateException(
            "tenant " + tenant.names().namespace() + " no longer exists")))
        .map(d -> new TenantDesired(d.names(), d.plan(), state, d.source(), d.chartVersion(), d.stripeCustomerId(),
            d.adminEmail()));
  }

  public GitChange change(GitAction action) {
    return new GitChange(action, Optional.ofNullable(payload().getString("stripe_event_id")),
        payload().getString("requested_by", "job-runner"));
  }
}

package io.caprovisioner.rollout;

import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.ReconcileContext;
import io.vertx.core.Future;
import java.time.OffsetDateTime;

/**
 * {@code rollout.report}: the last of a tenant's upgrade steps. Every step before it (backup,
 * commit, Argo CD synced and healthy, schema Job, health check) ran, so the tenant counts as
 * upgraded in its rollout, in the reconcile's fenced transaction.
 */
public final class RolloutReportStep implements RolloutStep {
  public static final String NAME = "rollout.report";
  private final RolloutStore store = new RolloutStore();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    long rollout = ctx.tenant().rolloutId().orElseThrow();
    return ctx.job().fenced(sql -> store.upgraded(sql, rollout, ctx.tenant().id()))
        .map(upgraded -> Outcome.done(upgraded ? "upgraded in rollout " + rollout
            : "rollout " + rollout + " was not waiting for this tenant"));
  }
}

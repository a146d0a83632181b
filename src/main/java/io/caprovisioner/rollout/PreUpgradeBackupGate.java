package io.caprovisioner.rollout;

import io.caprovisioner.db.BackupStatus;
import io.caprovisioner.db.BackupStore;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.StepFailure;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * {@code rollout.backup-check}: right before an upgrade's commit, its pre-upgrade backup (requested
 * with the upgrade, taken by the {@code backup} step first in the reconcile) must be {@code done}.
 * A backup that failed fails the upgrade (the tenant then counts against the rollout's budget):
 * nothing is committed to a site whose data could not be saved.
 */
public final class PreUpgradeBackupGate implements RolloutStep {
  public static final String NAME = "rollout.backup-check";
  private final BackupStore backups = new BackupStore();
  private final Duration poll;

  public PreUpgradeBackupGate(Duration poll) {
    this.poll = poll;
  }

  /** The request key of a rollout's pre-upgrade backup of a tenant: one per rollout and tenant. */
  static String requestKey(long rolloutId) {
    return "rollout " + rolloutId;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** A rollback goes back to what ran before: it needs no new backup. */
  @Override
  public boolean idle(ReconcileContext ctx) {
    return RolloutStep.super.idle(ctx) || RolloutStep.isRollback(ctx);
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    long rollout = ctx.tenant().rolloutId().orElseThrow();
    return backups.byRequestKey(ctx.pool(), ctx.tenant().id(), requestKey(rollout)).map(found -> {
      if (found.isEmpty()) {
        throw new StepFailure("no pre-upgrade backup was requested for rollout " + rollout);
      }
      var b = found.get();
      if (b.status() == BackupStatus.DONE) {
        return Outcome.done("pre-upgrade backup " + b.id() + " is done (" + b.sizeBytes().orElse(0L) + " bytes, sha256 "
            + b.sha256().orElse("?") + ")");
      }
      if (b.status() == BackupStatus.FAILED || b.status() == BackupStatus.DELETED) {
        throw new StepFailure("pre-upgrade backup " + b.id() + " " + b.status().wire() + ": "
            + b.error().orElse("no reason recorded") + "; not upgraded");
      }
      return Outcome.waitFor("pre-upgrade backup " + b.id() + " is " + b.status().wire(), poll);
    });
  }
}

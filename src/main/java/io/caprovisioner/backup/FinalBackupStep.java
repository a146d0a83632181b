package io.caprovisioner.backup;

import io.caprovisioner.config.Config;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.StepFailure;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.tenant.BackupKind;
import io.vertx.core.Future;
import java.time.OffsetDateTime;

/**
 * {@code backup.final}: after the retention period and before a deleted tenant's database and
 * namespace go, one last backup, kept BACKUP_FINAL_DAYS (retention of the other backups never
 * touches it). Without it nothing is purged: a failed one is asked for again and the step fails,
 * so the reconcile retries with backoff and the tenant's status says why. BACKUP_FINAL_DAYS=0 is
 * the operator's explicit choice to purge without one.
 */
public final class FinalBackupStep implements TenantStep {
  public static final String NAME = "backup.final";
  private final BackupStep backups;
  private final Config.Backups settings;

  public FinalBackupStep(BackupStep backups, Config.Backups settings) {
    this.backups = backups;
    this.settings = settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** One per deletion date: a purge (which moves it) or a later deletion takes a new one. */
  @Override
  public String target(ReconcileContext ctx) {
    return "final " + ctx.tenant().deletionDueAt().map(OffsetDateTime::toString).orElse("now");
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    if (settings.finalDays() == 0) {
      return Future.succeededFuture(Outcome.done("BACKUP_FINAL_DAYS is 0: purged without a final backup"));
    }
    return backups.take(ctx, BackupKind.FINAL, target(ctx), "reconciler").compose(p -> {
      if (!(p.outcome() instanceof Outcome.Done)) {
        return Future.succeededFuture(p.outcome());
      }
      if (p.succeeded()) {
        return Future.succeededFuture(Outcome.done("final backup " + p.backupId() + " kept until "
            + p.backup().flatMap(b -> b.keepUntil()).map(Object::toString).orElse("?")));
      }
      String error = p.backup().flatMap(b -> b.error()).orElse("unknown error");
      return backups.retry(ctx, p.backupId()).compose(v -> Future.failedFuture(new StepFailure("final backup "
          + p.backupId() + " failed, the data is kept until one succeeds: " + error)));
    });
  }
}

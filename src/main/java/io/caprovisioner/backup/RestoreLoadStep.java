package io.caprovisioner.backup;

import io.caprovisioner.config.Config;
import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.BackupStore.Backup;
import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.RestoreStore;
import io.caprovisioner.db.RestoreStore.Restore;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.k8s.K8sPrepareStep;
import io.caprovisioner.k8s.Kube;
import io.caprovisioner.k8s.model.BackupJob;
import io.caprovisioner.k8s.model.JobVerdict;
import io.caprovisioner.k8s.model.Redactor;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.StepFailure;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code restore.load}: with the site scaled to zero, a {@link BackupJob#restore} Job downloads
 * the backup, checks it against the checksum recorded when it was taken, and makes the database
 * and the media volume what the backup holds. A failed Job is a failed step (retried with
 * backoff, the site staying down): a half-loaded database is never brought back up.
 */
public final class RestoreLoadStep implements TenantStep {
  public static final String NAME = "restore.load";
  private static final int LOG_LINES = 20;
  private final Kube kube;
  private final Config.Backups settings;
  private final Duration poll;
  private final Duration notConfiguredRetry;
  private final BackupStore backups = new BackupStore();
  private final RestoreStore restores = new RestoreStore();
  private final ProvisioningLog log = new ProvisioningLog();

  public RestoreLoadStep(Kube kube, Config.Backups settings, Duration poll, Duration notConfiguredRetry) {
    this.kube = kube;
    this.settings = settings;
    this.poll = poll;
    this.notConfiguredRetry = notConfiguredRetry;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean idle(ReconcileContext ctx) {
    return ctx.tenant().restoreRequested() == 0;
  }

  @Override
  public String target(ReconcileContext ctx) {
    return "restore " + ctx.tenant().restoreRequested();
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    if (settings.missing().isPresent()) {
      return Future.succeededFuture(Outcome.waitFor(settings.missing().get() + ": no backup can be loaded "
          + "(see \"Backups and restore\" in the README)", notConfiguredRetry));
    }
    long restoreId = ctx.tenant().restoreRequested();
    return restores.byId(ctx.pool(), restoreId).compose(r -> backups.byId(ctx.pool(), r.orElseThrow().backupId())
        .compose(b -> {
          Restore restore = r.get();
          Backup backup = b.orElseThrow();
          if ("done".equals(restore.status())) {
            return Future.succeededFuture(Outcome.done("restore " + restoreId + " already loaded"));
          }
          return ctx.job().fenced(sql -> restores.running(sql, restoreId))
              .compose(v -> kube.stepThen(() -> look(ctx.tenant().names(), restore, backup),
                  verdict -> record(ctx, restore, backup, verdict)));
        }));
  }

  /** What the look found, and the failed Job's log tail. */
  private record Seen(JobVerdict verdict, boolean created, String logTail) {
  }

  private Seen look(TenantNames names, Restore restore, Backup backup) {
    K8sPrepareStep.ensureSecret(kube.client(), BackupJob.storageSecret(names, settings.accessKeyId().get(),
        settings.secretAccessKey().get()), new ArrayList<>());
    var jobs = kube.client().batch().v1().jobs().inNamespace(names.namespace());
    String name = BackupJob.restoreName(restore.id());
    Job current = jobs.withName(name).get();
    if (current == null) {
      jobs.resource(BackupJob.restore(names, settings.image(), new BackupJob.Storage(settings.endpoint().get(),
          settings.bucket().get(), settings.region()), backup.objectKey().orElseThrow(), backup.sha256().orElseThrow(),
          restore.id(), settings.jobTimeout())).create();
      return new Seen(JobVerdict.RUNNING, true, "");
    }
    JobVerdict verdict = JobVerdict.of(current);
    if (verdict == JobVerdict.FAILED) {
      String tail = Redactor.redact(kube.logTail(names.namespace(), name, LOG_LINES),
          List.of(settings.secretAccessKey().get()));
      // the next try starts a fresh Job of the same name
      jobs.withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      return new Seen(verdict, false, tail);
    }
    return new Seen(verdict, false, "");
  }

  private Future<Outcome> record(ReconcileContext ctx, Restore restore, Backup backup, Seen seen) {
    long tenantId = ctx.tenant().id();
    String job = BackupJob.restoreName(restore.id());
    String what = "restore " + restore.id() + " of backup " + backup.id();
    switch (seen.verdict()) {
      case RUNNING:
        return Future.succeededFuture(Outcome.waitFor(what + ": Job " + job + (seen.created() ? " created" : " running"),
            poll));
      case SUCCEEDED:
        return ctx.job().fenced(sql -> restores.done(sql, restore.id()))
            .map(Outcome.done(what + " loaded: " + backup.objectKey().orElse("") + ", sha256 "
                + backup.sha256().orElse("") + " checked"));
      default:
        String error = "Job " + job + " failed" + (seen.logTail().isBlank() ? "" : "; last log lines:\n"
            + seen.logTail());
        return ctx.job().fenced(sql -> restores.failed(sql, restore.id(), error))
            .compose(v -> Future.failedFuture(new StepFailure(what + ": " + error + " (the site stays scaled to zero)")));
    }
  }
}

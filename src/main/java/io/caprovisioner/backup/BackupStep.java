package io.caprovisioner.backup;

import io.caprovisioner.config.Config;
import io.caprovisioner.db.BackupStatus;
import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.BackupStore.Backup;
import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.jobs.Errors;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.k8s.K8sPrepareStep;
import io.caprovisioner.k8s.Kube;
import io.caprovisioner.k8s.model.BackupJob;
import io.caprovisioner.k8s.model.JobVerdict;
import io.caprovisioner.k8s.model.Redactor;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.tenant.BackupKind;
import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code backup}: takes the backups requested of the tenant ({@code tenants.backup_requested},
 * recorded with the intent by {@code TenantLifecycle.requestBackup}), oldest first. For each, a
 * {@link BackupJob} in the tenant namespace dumps the database and archives the media volume to
 * the tenant's prefix in the bucket; when it succeeded, the object's size and checksum are read
 * from the storage itself (not from the Job's word) and recorded. A Job that failed leaves the
 * tail of its log (secrets redacted) on the backup, which is then {@code failed}: asking again is
 * a new backup. Runs first in an active tenant's reconcile, so a backup requested with another
 * intent (a rollout's upgrade) is taken before anything is committed.
 *
 * <p>Other steps take a backup of their own with {@link #take}: a rollout's pre-upgrade one, the
 * final one before a purge.
 */
public final class BackupStep implements TenantStep {
  public static final String NAME = "backup";
  private static final int LOG_LINES = 20;
  private final Kube kube;
  private final Optional<BackupStorage> storage;
  private final Config.Backups settings;
  private final Duration poll;
  private final Duration notConfiguredRetry;
  private final BackupStore backups = new BackupStore();
  private final ProvisioningLog log = new ProvisioningLog();

  /** What one look at a backup's Job found. */
  private record Observed(JobVerdict verdict, boolean created, Optional<BackupStorage.StoredObject> object,
      String logTail, Optional<String> storageProblem) {
  }

  /** Where a backup taken by {@link #take} is: {@code outcome} Done once it is done or failed. */
  public record Progress(long backupId, Outcome outcome, Optional<Backup> backup) {
    public boolean succeeded() {
      return backup.map(b -> b.status() == BackupStatus.DONE).orElse(false);
    }
  }

  public BackupStep(Kube kube, Optional<BackupStorage> storage, Config.Backups settings, Duration poll,
      Duration notConfiguredRetry) {
    this.kube = kube;
    this.storage = storage;
    this.settings = settings;
    this.poll = poll;
    this.notConfiguredRetry = notConfiguredRetry;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String target(ReconcileContext ctx) {
    return "backup " + ctx.tenant().backupRequested();
  }

  @Override
  public boolean idle(ReconcileContext ctx) {
    return ctx.tenant().backupRequested() == 0;
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    return takeRequested(ctx, ctx.tenant().backupRequested());
  }

  /** Each backup logs its own outcome; the step is done when none up to {@code upTo} is pending. */
  private Future<Outcome> takeRequested(ReconcileContext ctx, long upTo) {
    return backups.nextPending(ctx.pool(), ctx.tenant().id(), upTo).compose(next -> next.isEmpty()
        ? Future.succeededFuture(Outcome.done(null))
        : advance(ctx, next.get()).compose(o -> o instanceof Outcome.Done ? takeRequested(ctx, upTo)
            : Future.succeededFuture(o)));
  }

  /**
   * A backup of this tenant of kind {@code kind}, as part of the calling step: recorded under
   * {@code requestKey} on the first call (the same key later is the same backup) and driven one
   * look further on each call. Done (in {@link Progress#outcome()}) once the backup is done or
   * failed; {@link Progress#succeeded()} tells which.
   */
  public Future<Progress> take(ReconcileContext ctx, BackupKind kind, String requestKey, String requestedBy) {
    long id = ctx.tenant().id();
    return ctx.job().fenced(sql -> backups.request(sql, id, kind, requestKey, requestedBy)
            .compose(r -> !r.created() ? Future.succeededFuture(r.id())
                : log.append(sql, id, NAME, LogStatus.INFO, kind.wire() + " backup " + r.id() + " requested by "
                    + requestedBy).map(r.id())))
        .compose(backupId -> backups.byId(ctx.pool(), backupId).compose(b -> {
          Backup backup = b.orElseThrow();
          Future<Outcome> outcome = backup.status() == BackupStatus.REQUESTED
              || backup.status() == BackupStatus.RUNNING ? advance(ctx, backup)
              : Future.succeededFuture(Outcome.done(null));
          return outcome.compose(o -> backups.byId(ctx.pool(), backupId).map(now -> new Progress(backupId, o, now)));
        }));
  }

  /** A backup that failed asked for again (the final one before a purge must exist): a new Job next time. */
  public Future<Void> retry(ReconcileContext ctx, long backupId) {
    return ctx.job().fenced(sql -> backups.retry(sql, backupId));
  }

  private Future<Outcome> advance(ReconcileContext ctx, Backup backup) {
    if (storage.isEmpty()) {
      return Future.succeededFuture(Outcome.waitFor(settings.missing().orElse("backup storage not configured")
          + ": backup " + backup.id() + " cannot be taken (see \"Backups and restore\" in the README)",
          notConfiguredRetry));
    }
    TenantNames names = ctx.tenant().names();
    long tenantId = ctx.tenant().id();
    String key = backup.objectKey().orElse(BackupStorage.objectKey(names, backup.id(), backup.kind()));
    Future<Void> started = backup.status() != BackupStatus.REQUESTED ? Future.succeededFuture()
        : ctx.job().fenced(sql -> backups.started(sql, backup.id(), key)
            .compose(v -> log.append(sql, tenantId, NAME, LogStatus.INFO, backup.kind().wire() + " backup "
                + backup.id() + " started: Job " + BackupJob.backupName(backup.id()) + " writes " + key)));
    return started.compose(v -> kube.stepThen(() -> look(names, backup, key), seen -> record(ctx, backup, key, seen)));
  }

  /** Blocking: the storage Secret, then the Job (created when absent and its object not yet there). */
  private Observed look(TenantNames names, Backup backup, String key) {
    BackupStorage bucket = storage.get();
    K8sPrepareStep.ensureSecret(kube.client(), BackupJob.storageSecret(names, settings.accessKeyId().get(),
        settings.secretAccessKey().get()), new ArrayList<>());
    var jobs = kube.client().batch().v1().jobs().inNamespace(names.namespace());
    String name = BackupJob.backupName(backup.id());
    try {
      Job current = jobs.withName(name).get();
      if (current == null) {
        // taken before (its Job since removed by its TTL, or the service restarted before recording it)
        Optional<BackupStorage.StoredObject> there = bucket.head(key);
        if (there.isPresent() && there.get().sha256().isPresent()) {
          return new Observed(JobVerdict.SUCCEEDED, false, there, "", Optional.empty());
        }
        jobs.resource(BackupJob.backup(names, settings.image(), storageOf(), key, backup.id(), settings.jobTimeout()))
            .create();
        return new Observed(JobVerdict.RUNNING, true, Optional.empty(), "", Optional.empty());
      }
      JobVerdict verdict = JobVerdict.of(current);
      return switch (verdict) {
        case RUNNING -> new Observed(verdict, false, Optional.empty(), "", Optional.empty());
        case SUCCEEDED -> new Observed(verdict, false, bucket.head(key), "", Optional.empty());
        case FAILED -> {
          String tail = Redactor.redact(kube.logTail(names.namespace(), name, LOG_LINES),
              List.of(settings.secretAccessKey().get()));
          jobs.withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
          yield new Observed(verdict, false, Optional.empty(), tail, Optional.empty());
        }
      };
    } catch (SdkException e) {
      return new Observed(JobVerdict.RUNNING, false, Optional.empty(), "", Optional.of("backup storage "
          + settings.endpoint().orElse("") + " answered: " + Errors.message(e)));
    }
  }

  private BackupJob.Storage storageOf() {
    return new BackupJob.Storage(settings.endpoint().get(), settings.bucket().get(), settings.region());
  }

  private Future<Outcome> record(ReconcileContext ctx, Backup backup, String key, Observed seen) {
    long tenantId = ctx.tenant().id();
    String what = backup.kind().wire() + " backup " + backup.id();
    if (seen.storageProblem().isPresent()) {
      return Future.succeededFuture(Outcome.waitFor(seen.storageProblem().get(), notConfiguredRetry));
    }
    if (seen.verdict() == JobVerdict.RUNNING) {
      return Future.succeededFuture(Outcome.waitFor(what + ": Job " + BackupJob.backupName(backup.id())
          + (seen.created() ? " created" : " running"), poll));
    }
    if (seen.verdict() == JobVerdict.FAILED || seen.object().isEmpty() || seen.object().get().sha256().isEmpty()) {
      String error = seen.verdict() == JobVerdict.FAILED
          ? "Job " + BackupJob.backupName(backup.id()) + " failed" + (seen.logTail().isBlank() ? ""
              : "; last log lines:\n" + seen.logTail())
          : "Job " + BackupJob.backupName(backup.id()) + " succeeded but " + key + (seen.object().isEmpty()
              ? " is not in bucket " + settings.bucket().orElse("") : " carries no sha256 metadata");
      return ctx.job().fenced(sql -> backups.failed(sql, backup.id(), error)
              .compose(v -> log.append(sql, tenantId, NAME, LogStatus.FAILED, what + " failed", error, null)))
          .map(Outcome.done(null));
    }
    BackupStorage.StoredObject object = seen.object().get();
    Optional<OffsetDateTime> keepUntil = backup.kind() == BackupKind.FINAL
        ? Optional.of(OffsetDateTime.now(ZoneOffset.UTC).plusDays(settings.finalDays())) : Optional.empty();
    return ctx.job().fenced(sql -> backups.done(sql, backup.id(), object.size(), object.sha256().get(), keepUntil)
            .compose(v -> log.append(sql, tenantId, NAME, LogStatus.SUCCEEDED, what + " taken: " + key + ", "
                + object.size() + " bytes, sha256 " + object.sha256().get()
                + keepUntil.map(k -> ", kept until " + k).orElse(""))))
        .map(Outcome.done(null));
  }
}

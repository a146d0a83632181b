package io.caprovisioner.lifecycle;

import io.caprovisioner.db.BackupStatus;
import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.RestoreStore;
import io.caprovisioner.db.CredentialTokens;
import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.MessageKind;
import io.caprovisioner.config.Config;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.SubscriptionStore;
import io.caprovisioner.db.TenantIntents;
import io.caprovisioner.db.TenantStepStore;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.db.UserRepository;
import io.caprovisioner.jobs.JobQueue;
import io.caprovisioner.tenant.BackupKind;
import io.caprovisioner.tenant.Intent;
import io.caprovisioner.tenant.IntentKind;
import io.caprovisioner.tenant.PlanCatalog;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Records what is requested of a tenant: in one transaction the desired state (status, plan,
 * chart, deletion date), the intent with a new generation, a provisioning log entry, and a
 * request for the tenant's reconcile. Nothing here talks to Git, MySQL or Kubernetes; the
 * reconciler does, and the newest intent wins at its next step boundary.
 */
public final class TenantLifecycle {
  private final Pool pool;
  private final Config.Tenants settings;
  private final PlanCatalog plans;
  private final TenantRepository tenants = new TenantRepository();
  private final UserRepository users = new UserRepository();
  private final SubscriptionStore subscriptions = new SubscriptionStore();
  private final TenantStepStore steps = new TenantStepStore();
  private final TenantIntents intents = new TenantIntents();
  private final ProvisioningLog log = new ProvisioningLog();
  private final JobQueue jobs = new JobQueue();
  private final MessageOutbox outbox = new MessageOutbox();
  private final CredentialTokens tokens = new CredentialTokens();
  private final BackupStore backups = new BackupStore();
  private final RestoreStore restores = new RestoreStore();

  public TenantLifecycle(Pool pool, Config.Tenants settings, PlanCatalog plans) {
    this.pool = pool;
    this.settings = settings;
    this.plans = plans;
  }

  public Future<Tenant> provision(ProvisionRequest req) {
    if (plans.byName(req.plan()).isEmpty()) {
      return Future.failedFuture(LifecycleException.invalid(
          "unknown plan '" + req.plan() + "' (plans: " + String.join(", ", plans.names()) + ")"));
    }
    TenantNames names;
    try {
      names = TenantNames.of(req.slug().orElseGet(TenantNames::generateId), settings.baseDomain());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(LifecycleException.invalid(e.getMessage()));
    }
    return pool.withTransaction(sql -> provision(sql, req, names))
        .recover(e -> Future.failedFuture(uniqueViolation(e, names)));
  }

  /** The same, inside the caller's transaction (e.g. a Stripe event being applied). */
  public Future<Tenant> provision(SqlConnection sql, ProvisionRequest req, TenantNames names) {
    return users.findOrCreate(sql, req.email())
        .compose(userId -> tenants.insert(sql, new TenantRepository.NewTenant(Optional.of(userId), names, req.plan(),
                req.source(), Optional.empty()))
            .compose(tenantId -> subscription(sql, req, userId, tenantId).map(tenantId)))
        .compose(tenantId -> log.append(sql, tenantId, "request", LogStatus.INFO,
                "provision requested by " + req.requestedBy() + " (plan " + req.plan() + ")",
                req.stripeEventId().orElse(null))
            .compose(v -> intent(sql, tenantId, IntentKind.PROVISION, req.requestedBy(), req.stripeEventId()))
            .compose(v -> reload(sql, tenantId)));
  }

  private Future<Void> subscription(SqlConnection sql, ProvisionRequest req, long userId, long tenantId) {
    if (req.stripeCustomerId().isEmpty() && req.stripeSubscriptionId().isEmpty()) {
      return Future.succeededFuture();
    }
    return subscriptions.insert(sql, userId, tenantId, req.stripeCustomerId(), req.stripeSubscriptionId(),
        req.stripePriceId());
  }

  public Future<Tenant> suspend(long id, String requestedBy, Optional<String> stripeEventId) {
    return pool.withTransaction(sql -> suspend(sql, id, requestedBy, stripeEventId));
  }

  public Future<Tenant> suspend(SqlConnection sql, long id, String requestedBy, Optional<String> stripeEventId) {
    return locked(sql, id)
        .compose(t -> move(sql, t, TenantStatus.SUSPENDED, "suspend requested by " + requestedBy, stripeEventId))
        .compose(v -> intent(sql, id, IntentKind.SUSPEND, requestedBy, stripeEventId))
        .compose(v -> reload(sql, id))
        // a site that never ran has nothing to tell its customer about (e.g. a first payment still pending)
        .compose(t -> t.deployedAt().isEmpty() ? Future.succeededFuture(t)
            : notice(sql, t, MessageKind.SUSPENDED, new JsonObject().put("requested_by", requestedBy)));
  }

  public Future<Tenant> resume(long id, String requestedBy, Optional<String> stripeEventId) {
    return pool.withTransaction(sql -> resume(sql, id, requestedBy, stripeEventId));
  }

  /**
   * Back to active when the site had been deployed; otherwise (never deployed, or within the
   * deletion retention) provisioning again, whose steps skip what is still in place.
   */
  public Future<Tenant> resume(SqlConnection sql, long id, String requestedBy, Optional<String> stripeEventId) {
    return locked(sql, id).compose(t -> {
      if (t.status() != TenantStatus.SUSPENDED && t.status() != TenantStatus.DELETING) {
        return Future.failedFuture(LifecycleException.conflict("tenant " + t.names().namespace() + " is "
            + t.status().wire() + "; only a suspended or deleting tenant can be resumed"));
      }
      boolean redeploy = t.deployedAt().isEmpty() || t.status() == TenantStatus.DELETING;
      TenantStatus next = redeploy ? TenantStatus.PROVISIONING : TenantStatus.ACTIVE;
      return move(sql, t, next, "resume requested by " + requestedBy, stripeEventId)
          .compose(v -> redeploy ? tenants.setDeletionDue(sql, id, null) : Future.succeededFuture())
          .compose(v -> intent(sql, id, IntentKind.RESUME, requestedBy, stripeEventId))
          .compose(v -> reload(sql, id));
    });
  }

  /**
   * Deletion: the manifests go at once; data (database, volumes) is dropped after the retention
   * period, or at once with {@code purge}. An active tenant is suspended first.
   */
  public Future<Tenant> delete(long id, boolean purge, String requestedBy, Optional<String> stripeEventId) {
    return pool.withTransaction(sql -> delete(sql, id, purge, requestedBy, stripeEventId));
  }

  public Future<Tenant> delete(SqlConnection sql, long id, boolean purge, String requestedBy,
      Optional<String> stripeEventId) {
    IntentKind kind = purge ? IntentKind.PURGE : IntentKind.DELETE;
    return locked(sql, id).compose(t -> {
      if (t.status() == TenantStatus.DELETING && purge) {
        return scheduleDeletion(sql, t, true).compose(v -> intent(sql, id, kind, requestedBy, stripeEventId))
            .compose(v -> reload(sql, id));
      }
      Future<Void> first = Future.succeededFuture();
      if (t.status() != TenantStatus.SUSPENDED && t.status().canMoveTo(TenantStatus.SUSPENDED)) {
        first = move(sql, t, TenantStatus.SUSPENDED, "suspended for deletion", stripeEventId);
      }
      return first.compose(v -> reload(sql, id))
          .compose(s -> move(sql, s, TenantStatus.DELETING,
              "delete requested by " + requestedBy + (purge ? " (purge: no retention)" : ""), stripeEventId).map(s))
          .compose(s -> scheduleDeletion(sql, s, purge))
          .compose(v -> intent(sql, id, kind, requestedBy, stripeEventId))
          .compose(v -> reload(sql, id))
          // a purge keeps nothing to come back to: its customer hears when it is deleted
          .compose(d -> purge ? Future.succeededFuture(d) : notice(sql, d, MessageKind.DELETION_SCHEDULED,
              new JsonObject().put("keep_until", d.deletionDueAt().map(OffsetDateTime::toString).orElse(null))));
    });
  }

  /**
   * The customer's notice of a change, in its transaction. Its cause is the intent's generation:
   * a replayed request is refused before it gets here, a new suspension is a new notice.
   */
  private Future<Tenant> notice(SqlConnection sql, Tenant t, MessageKind kind, JsonObject facts) {
    return outbox.add(sql, t.id(), kind, "generation " + t.generation(), facts).map(t);
  }

  private Future<Void> scheduleDeletion(SqlConnection sql, Tenant t, boolean purge) {
    return tenants.setDeletionDueInDays(sql, t.id(), purge ? 0 : settings.retentionDays());
  }

  /** A plan change keeps the status; the reconcile commits the new resources. */
  public Future<Tenant> changePlan(SqlConnection sql, long id, String plan, String requestedBy,
      Optional<String> stripeEventId) {
    if (plans.byName(plan).isEmpty()) {
      return Future.failedFuture(LifecycleException.invalid("unknown plan '" + plan + "'"));
    }
    return locked(sql, id).compose(t -> {
      if (t.plan().equals(plan)) {
        return Future.succeededFuture(t);
      }
      if (t.status() == TenantStatus.DELETING || t.status() == TenantStatus.DELETED) {
        return Future.failedFuture(LifecycleException.conflict("a " + t.status().wire()
            + " tenant cannot change plan"));
      }
      return tenants.setPlan(sql, id, plan)
          .compose(v -> log.append(sql, id, "request", LogStatus.INFO, "plan change " + t.plan() + " -> " + plan
              + " requested by " + requestedBy, stripeEventId.orElse(null)))
          .compose(v -> intent(sql, id, IntentKind.PLAN_CHANGE, requestedBy, stripeEventId))
          .compose(v -> reload(sql, id));
    });
  }

  /** A chart version chosen for one tenant (empty: the configured default), e.g. by its tenant.yaml. */
  public Future<Tenant> changeChartVersion(SqlConnection sql, long id, Optional<String> chartVersion,
      String requestedBy) {
    return locked(sql, id).compose(t -> t.chartVersion().equals(chartVersion) ? Future.succeededFuture(t)
        : tenants.setChartVersion(sql, id, chartVersion.orElse(null))
            .compose(v -> log.append(sql, id, "request", LogStatus.INFO, "chart version "
                + t.chartVersion().orElse("default") + " -> " + chartVersion.orElse("default") + " requested by "
                + requestedBy))
            .compose(v -> intent(sql, id, IntentKind.CHART_CHANGE, requestedBy, Optional.empty()))
            .compose(v -> reload(sql, id)));
  }

  /** A CollectiveAccess image chosen for one tenant (empty: the configured one), e.g. by its tenant.yaml. */
  public Future<Tenant> changeImage(SqlConnection sql, long id, Optional<String> image, String requestedBy) {
    return locked(sql, id).compose(t -> t.image().equals(image) ? Future.succeededFuture(t)
        : tenants.setImage(sql, id, image.orElse(null))
            .compose(v -> log.append(sql, id, "request", LogStatus.INFO, "image " + t.image().orElse("default")
                + " -> " + image.orElse("default") + " requested by " + requestedBy))
            .compose(v -> intent(sql, id, IntentKind.CHART_CHANGE, requestedBy, Optional.empty()))
            .compose(v -> reload(sql, id)));
  }

  /**
   * A fleet rollout's upgrade of one tenant, in the rollout's transaction: the new chart version
   * and/or image (empty: unchanged) and the rollout its commit names. The reconcile backs the
   * site up, commits, waits for Argo CD, migrates the schema and checks the site.
   */
  public Future<Tenant> upgrade(SqlConnection sql, long id, Optional<String> chartVersion, Optional<String> image,
      long rolloutId, String requestedBy) {
    return locked(sql, id).compose(t -> {
      if (t.status() != TenantStatus.ACTIVE) {
        return Future.failedFuture(LifecycleException.conflict("tenant " + t.names().namespace() + " is "
            + t.status().wire() + "; only an active site is upgraded"));
      }
      return (chartVersion.isEmpty() ? Future.<Void>succeededFuture()
              : tenants.setChartVersion(sql, id, chartVersion.get()))
          .compose(v -> image.isEmpty() ? Future.<Void>succeededFuture() : tenants.setImage(sql, id, image.get()))
          .compose(v -> tenants.setRollout(sql, id, rolloutId))
          .compose(v -> log.append(sql, id, "request", LogStatus.INFO, "upgrade by rollout " + rolloutId + ": chart "
              + t.chartVersion().orElse("default") + " -> " + chartVersion.or(t::chartVersion).orElse("default")
              + ", image " + t.image().orElse("default") + " -> " + image.or(t::image).orElse("default")
              + " requested by " + requestedBy))
          .compose(v -> intent(sql, id, IntentKind.UPGRADE, requestedBy, Optional.empty()))
          .compose(v -> reload(sql, id));
    });
  }

  /**
   * An operator's rollback of one tenant to what it ran before a rollout: {@code chartVersion}
   * and {@code image} are set as they are (empty: the configured default). With
   * {@code restoreBackupId}, the same intent restores that backup (the rollout's pre-upgrade one):
   * the reconcile's restore steps run before its commit, so the site is scaled to zero, the dump
   * loaded, and only then brought back on the old version (see {@code TenantPlan}).
   */
  public Future<Tenant> rollBack(SqlConnection sql, long id, Optional<String> chartVersion, Optional<String> image,
      long rolloutId, Optional<Long> restoreBackupId, String requestedBy) {
    return locked(sql, id).compose(t -> {
      if (restoreBackupId.isPresent() && t.status() != TenantStatus.ACTIVE) {
        return Future.failedFuture(LifecycleException.conflict("tenant " + t.names().namespace() + " is "
            + t.status().wire() + "; only an active site can be rolled back with a restore of its pre-upgrade backup"));
      }
      return restoreBackupId.isEmpty() ? Future.<Void>succeededFuture()
          : restores.request(sql, id, restoreBackupId.get(), requestedBy)
              .compose(restoreId -> log.append(sql, id, "request", LogStatus.INFO, "restore " + restoreId
                  + " of pre-upgrade backup " + restoreBackupId.get() + " requested by " + requestedBy
                  + " with the rollback of rollout " + rolloutId));
    }).compose(ready -> tenants.setChartVersion(sql, id, chartVersion.orElse(null))
        .compose(v -> tenants.setImage(sql, id, image.orElse(null)))
        .compose(v -> tenants.setRollout(sql, id, rolloutId))
        .compose(v -> log.append(sql, id, "request", LogStatus.INFO, "rollback of rollout " + rolloutId
            + " to chart " + chartVersion.orElse("default") + ", image " + image.orElse("default")
            + " requested by " + requestedBy))
        .compose(v -> intent(sql, id, IntentKind.ROLLBACK, requestedBy, Optional.empty()))
        .compose(v -> reload(sql, id)));
  }

  /**
   * {@code POST /admin/tenants/{id}/retry}: a failed tenant is provisioned again. What its steps
   * achieved stays achieved, so the reconcile resumes at the step that failed, with fresh attempts.
   * Returns {@code {tenant_id, job_id, resumes_at}}.
   */
  public Future<JsonObject> retry(long id, String requestedBy) {
    return pool.withTransaction(sql -> locked(sql, id).compose(t -> {
      if (t.status() != TenantStatus.FAILED) {
        return Future.failedFuture(LifecycleException.conflict("tenant " + t.names().namespace() + " is "
            + t.status().wire() + "; only a failed tenant can be retried"));
      }
      return steps.lastFailed(sql, id).compose(failedAt -> steps.resetFailed(sql, id)
          .compose(v -> move(sql, t, TenantStatus.PROVISIONING, "retry requested by " + requestedBy
              + failedAt.map(s -> " (resumes at " + s + ")").orElse(""), Optional.empty()))
          .compose(v -> intentJob(sql, id, IntentKind.RETRY, requestedBy, Optional.empty()))
          .map(jobId -> new JsonObject().put("tenant_id", id).put("job_id", jobId)
              .put("resumes_at", failedAt.orElse(null))));
    }));
  }

  /**
   * {@code POST /admin/tenants/{id}/credentials}: a new CollectiveAccess administrator password.
   * The reconcile's {@code ca.admin-password} step sets it with a reset-password Job and then
   * sends the customer a fresh one-time link; every unused link stops working now. Only for an
   * active site (its installer set the first one). Returns {@code {tenant_id, rotation, job_id}}.
   */
  public Future<JsonObject> resetAdminPassword(long id, String requestedBy) {
    return pool.withTransaction(sql -> locked(sql, id).compose(t -> {
      if (t.status() != TenantStatus.ACTIVE) {
        return Future.failedFuture(LifecycleException.conflict("tenant " + t.names().namespace() + " is "
            + t.status().wire() + "; only an active site's administrator password can be reset"));
      }
      return tenants.requestAdminPasswordRotation(sql, id)
          .compose(rotation -> tokens.revokeAll(sql, id)
              .compose(v -> log.append(sql, id, "request", LogStatus.INFO, "administrator password reset "
                  + rotation + " requested by " + requestedBy))
              .compose(v -> intentJob(sql, id, IntentKind.CREDENTIALS_RESET, requestedBy, Optional.empty()))
              .map(jobId -> new JsonObject().put("tenant_id", id).put("rotation", rotation).put("job_id", jobId)));
    }));
  }

  /** {@link #requestBackup(SqlConnection, long, BackupKind, String, String)} in a transaction of its own. */
  public Future<Long> requestBackup(long id, BackupKind kind, String requestKey, String requestedBy) {
    return pool.withTransaction(sql -> requestBackup(sql, id, kind, requestKey, requestedBy));
  }

  /**
   * A backup of the tenant's database and media volume, taken by the backup step of its reconcile
   * (first in a running or suspended tenant's steps, so before anything the same reconcile commits).
   * {@code requestKey} names the request ("rollout 7", "on-demand <uuid>"): asking again with the
   * same key records nothing and returns the same backup's id, whatever its state, so a caller can
   * ask on every try and wait for {@code backups.status} {@code done}. Only a deployed site that
   * still has its data (active or suspended) can be backed up; a deleting one gets its final backup.
   */
  public Future<Long> requestBackup(SqlConnection sql, long id, BackupKind kind, String requestKey,
      String requestedBy) {
    return locked(sql, id).compose(t -> {
      if (t.status() != TenantStatus.ACTIVE && t.status() != TenantStatus.SUSPENDED
          && !(kind == BackupKind.FINAL && t.status() == TenantStatus.DELETING)) {
        return Future.failedFuture(LifecycleException.conflict("tenant " + t.names().namespace() + " is "
            + t.status().wire() + "; only an active or suspended tenant can be backed up"));
      }
      return backups.request(sql, id, kind, requestKey, requestedBy).compose(r -> !r.created()
          ? Future.succeededFuture(r.id())
          : log.append(sql, id, "request", LogStatus.INFO, kind.wire() + " backup " + r.id() + " requested by "
                  + requestedBy)
              .compose(v -> intent(sql, id, IntentKind.BACKUP, requestedBy, Optional.empty()))
              .map(r.id()));
    });
  }

  /**
   * {@code POST /admin/tenants/{id}/restore}: the site's database and media brought back from one of
   * its backups. The reconcile scales the site to zero (a commit), loads the backup with a Job, and
   * brings the site back (a commit), each a step with its log. Only an active site, from one of its
   * own backups that is done. Returns {@code {tenant_id, restore_id, backup_id, job_id}}.
   */
  public Future<JsonObject> requestRestore(long id, long backupId, String requestedBy) {
    return pool.withTransaction(sql -> locked(sql, id).compose(t -> {
      if (t.status() != TenantStatus.ACTIVE) {
        return Future.failedFuture(LifecycleException.conflict("tenant " + t.names().namespace() + " is "
            + t.status().wire() + "; only an active site can be restored"));
      }
      return backups.byId(sql, backupId).compose(b -> {
        if (b.isEmpty() || b.get().tenantId() != id) {
          return Future.failedFuture(LifecycleException.invalid("backup_id " + backupId + " is not a backup of tenant "
              + t.names().namespace()));
        }
        if (b.get().status() != BackupStatus.DONE) {
          return Future.failedFuture(LifecycleException.conflict("backup " + backupId + " is " + b.get().status().wire()
              + "; only a backup that is done can be restored"));
        }
        return restores.request(sql, id, backupId, requestedBy)
            .compose(restoreId -> log.append(sql, id, "request", LogStatus.INFO, "restore " + restoreId + " of backup "
                    + backupId + " requested by " + requestedBy)
                .compose(v -> intentJob(sql, id, IntentKind.RESTORE, requestedBy, Optional.empty()))
                .map(jobId -> new JsonObject().put("tenant_id", id).put("restore_id", restoreId)
                    .put("backup_id", backupId).put("job_id", jobId)));
      });
    }));
  }

  private Future<Void> move(SqlConnection sql, Tenant t, TenantStatus next, String message,
      Optional<String> stripeEventId) {
    if (!t.status().canMoveTo(next)) {
      return Future.failedFuture(LifecycleException.conflict(
          "tenant " + t.names().namespace() + " is " + t.status().wire() + " and cannot become " + next.wire()));
    }
    return tenants.setStatus(sql, t.id(), next, null)
        .compose(v -> log.append(sql, t.id(), "status", LogStatus.INFO, t.status().wire() + " -> " + next.wire()
            + ": " + message, stripeEventId.orElse(null)));
  }

  private Future<Void> intent(SqlConnection sql, long id, IntentKind kind, String requestedBy,
      Optional<String> stripeEventId) {
    return intentJob(sql, id, kind, requestedBy, stripeEventId).mapEmpty();
  }

  /** A new generation and the reconcile that will act on it (woken at once if it was waiting). */
  private Future<Long> intentJob(SqlConnection sql, long id, IntentKind kind, String requestedBy,
      Optional<String> stripeEventId) {
    Intent intent = new Intent(kind, requestedBy, stripeEventId);
    return tenants.recordIntent(sql, id, intent)
        .compose(generation -> intents.append(sql, id, generation, intent))
        .compose(v -> jobs.request(sql, id, JobKind.TENANT_RECONCILE.wire(), new JsonObject()));
  }

  private Future<Tenant> locked(SqlConnection sql, long id) {
    return tenants.lockById(sql, id).compose(t -> t.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(LifecycleException.notFound("no tenant with id " + id))));
  }

  private Future<Tenant> reload(SqlConnection sql, long id) {
    return tenants.byId(sql, id).map(Optional::get);
  }

  private static Throwable uniqueViolation(Throwable e, TenantNames names) {
    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      String constraint = pg.getConstraint() == null ? "" : pg.getConstraint();
      if (constraint.startsWith("subscriptions")) {
        return LifecycleException.conflict("that Stripe subscription already has a tenant");
      }
      return LifecycleException.conflict("a tenant named " + names.namespace() + " already exists");
    }
    return e;
  }
}

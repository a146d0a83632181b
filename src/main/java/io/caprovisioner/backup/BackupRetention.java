package io.caprovisioner.backup;

import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention of backups, applied by the service: the objects {@link BackupStore#expired} names are
 * deleted from the bucket, each backup's row is kept and marked {@code deleted} (the listing shows
 * it so), and each deletion is an entry of the tenant's provisioning log. The object goes first and
 * the row after: a sweep cut short between the two deletes the object again next time (the storage
 * answers the same for an object already gone) and records it then, never the other way round.
 */
public final class BackupRetention {
  static final int BATCH = 100;
  public static final Duration SWEEP_EVERY = Duration.ofHours(1);
  public static final String LOG_ACTION = "backup.retention";
  private static final Logger LOG = LoggerFactory.getLogger(BackupRetention.class);
  private final Vertx vertx;
  private final Pool pool;
  private final PlanCatalog plans;
  private final Optional<BackupStorage> storage;
  private final BackupStore backups = new BackupStore();
  private final ProvisioningLog log = new ProvisioningLog();

  /** @param storage empty when backups are not configured: then nothing is swept */
  public BackupRetention(Vertx vertx, Pool pool, PlanCatalog plans, Optional<BackupStorage> storage) {
    this.vertx = vertx;
    this.pool = pool;
    this.plans = plans;
    this.storage = storage;
  }

  /** Sweeps soon after the start, then every {@link #SWEEP_EVERY}, until {@code vertx} closes. */
  public void hourly() {
    vertx.setTimer(20_000, t -> sweepAndLog());
    vertx.setPeriodic(SWEEP_EVERY.toMillis(), t -> sweepAndLog());
  }

  private void sweepAndLog() {
    sweep().onSuccess(n -> {
      if (n > 0) {
        LOG.info("backup retention deleted {} object(s)", n);
      }
    }).onFailure(e -> LOG.warn("backup retention: {}; trying again in an hour", e.toString()));
  }

  /** Deletes every expired object, batch by batch; returns how many it deleted. */
  public Future<Integer> sweep() {
    if (storage.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Plan> all = List.copyOf(plans.all());
    Plan.BackupPolicy fallback = Plan.BackupPolicy.DEFAULT;
    return pool.withConnection(sql -> backups.expired(sql, all.stream().map(Plan::name).toList(),
            all.stream().map(p -> p.backups().keep()).toList(),
            all.stream().map(p -> p.backups().window().toSeconds()).toList(), fallback.keep(),
            fallback.window().toSeconds(), BATCH))
        .compose(expired -> deleteEach(expired, 0, 0)
            .compose(n -> expired.size() < BATCH ? Future.succeededFuture(n) : sweep().map(rest -> n + rest)));
  }

  private Future<Integer> deleteEach(List<BackupStore.Expired> expired, int at, int deleted) {
    if (at == expired.size()) {
      return Future.succeededFuture(deleted);
    }
    BackupStore.Expired e = expired.get(at);
    BackupStore.Backup b = e.backup();
    String key = b.objectKey().orElseThrow();
    return vertx.executeBlocking(() -> {
          storage.get().delete(key);
          return null;
        }, false)
        .compose(v -> pool.withTransaction(sql -> backups.deleted(sql, b.id()).compose(recorded -> !recorded
            ? Future.succeededFuture(false)
            : log.append(sql, b.tenantId(), LOG_ACTION, LogStatus.SUCCEEDED, b.kind().wire() + " backup " + b.id()
                + " deleted from the storage (" + key + "): " + e.reason()).map(true))))
        .compose(recorded -> deleteEach(expired, at + 1, deleted + (recorded ? 1 : 0)));
  }
}

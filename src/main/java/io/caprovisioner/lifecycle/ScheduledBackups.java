package io.caprovisioner.lifecycle;

import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantIntents;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.jobs.JobQueue;
import io.caprovisioner.tenant.BackupKind;
import io.caprovisioner.tenant.Intent;
import io.caprovisioner.tenant.IntentKind;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup schedule: every active tenant gets a {@code scheduled} backup its plan's interval after
 * the last one (a new tenant at once). Each look takes at most {@link #PER_LOOK} due tenants, so a
 * fleet coming due at once (the first start) is spread over the following looks instead of asking
 * the cluster for thousands of backup Jobs in one go; the due dates then stay spread.
 *
 * <p>Each look is one transaction of a few set-wise statements, whatever the fleet's size: the due
 * tenants through one index (moved on to their next date as they are picked, {@code SKIP LOCKED}
 * so replicas looking at once share them), their backups, their intents (a new generation each),
 * their log entries and their reconciles. A backup's request key names its slot of the schedule
 * ({@code scheduled 2026-12-02T00:00:00Z every 24h}): the same slot asked for twice is one backup.
 */
public final class ScheduledBackups {
  /** 500 every 5 minutes: 144,000 a day, above a daily backup of 100,000 tenants. */
  public static final int PER_LOOK = 500;
  public static final Duration LOOK_EVERY = Duration.ofMinutes(5);
  public static final String REQUESTED_BY = "schedule";
  private static final Logger LOG = LoggerFactory.getLogger(ScheduledBackups.class);
  private final Pool pool;
  private final PlanCatalog plans;
  private final TenantRepository tenants = new TenantRepository();
  private final BackupStore backups = new BackupStore();
  private final TenantIntents intents = new TenantIntents();
  private final ProvisioningLog log = new ProvisioningLog();
  private final JobQueue jobs = new JobQueue();
  private final Clock clock;

  public ScheduledBackups(Pool pool, PlanCatalog plans) {
    this(pool, plans, Clock.systemUTC());
  }

  /** @param clock names the slot of each request (due dates are the database's clock) */
  public ScheduledBackups(Pool pool, PlanCatalog plans, Clock clock) {
    this.pool = pool;
    this.plans = plans;
    this.clock = clock;
  }

  /** Looks soon after the start, then every {@link #LOOK_EVERY}, until {@code vertx} closes. */
  public void every(Vertx vertx) {
    vertx.setTimer(15_000, t -> lookAndLog());
    vertx.setPeriodic(LOOK_EVERY.toMillis(), t -> lookAndLog());
  }

  private void lookAndLog() {
    requestDue(PER_LOOK).onSuccess(n -> {
      if (n > 0) {
        LOG.info("requested {} scheduled backup(s)", n);
      }
    }).onFailure(e -> LOG.warn("backup schedule: {}; looking again in {} minutes", e.toString(),
        LOOK_EVERY.toMinutes()));
  }

  /** Requests the scheduled backups of up to {@code limit} due tenants; returns how many it recorded. */
  public Future<Integer> requestDue(int limit) {
    List<Plan> all = List.copyOf(plans.all());
    Instant now = clock.instant();
    return pool.withTransaction(sql -> tenants.takeDueForScheduledBackup(sql, all.stream().map(Plan::name).toList(),
            all.stream().map(p -> p.backups().every().toSeconds()).toList(),
            Plan.BackupPolicy.DEFAULT.every().toSeconds(), limit)
        .compose(due -> {
          if (due.isEmpty()) {
            return Future.succeededFuture(0);
          }
          List<Long> ids = due.stream().map(TenantRepository.BackupDue::id).toList();
          List<String> keys = due.stream().map(d -> requestKey(plans.backupPolicy(d.plan()), now)).toList();
          Map<Long, String> planOf = due.stream().collect(Collectors.toMap(TenantRepository.BackupDue::id,
              TenantRepository.BackupDue::plan));
          return backups.requestAll(sql, BackupKind.SCHEDULED, ids, keys, REQUESTED_BY).compose(added -> {
            if (added.isEmpty()) {
              return Future.succeededFuture(0);
            }
            List<Long> tenantIds = added.stream().map(BackupStore.Added::tenantId).toList();
            List<String> messages = new ArrayList<>();
            for (BackupStore.Added a : added) {
              Plan.BackupPolicy policy = plans.backupPolicy(planOf.get(a.tenantId()));
              messages.add("scheduled backup " + a.id() + " requested by " + REQUESTED_BY + " (plan "
                  + planOf.get(a.tenantId()) + ": every " + hours(policy.every()) + ", " + policy.keep() + " kept)");
            }
            Intent intent = new Intent(IntentKind.BACKUP, REQUESTED_BY, Optional.empty());
            return tenants.recordIntents(sql, tenantIds, intent)
                .compose(generations -> intents.appendAll(sql, tenantIds,
                    tenantIds.stream().map(generations::get).toList(), intent))
                .compose(v -> log.appendAll(sql, tenantIds, "request", LogStatus.INFO, messages))
                .compose(v -> jobs.requestAll(sql, tenantIds, JobKind.TENANT_RECONCILE.wire()))
                .map(added.size());
          });
        }));
  }

  /** The slot of the schedule {@code now} falls in, counted from the epoch in UTC. */
  static String requestKey(Plan.BackupPolicy policy, Instant now) {
    long every = policy.every().toSeconds();
    return "scheduled " + Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), every) * every) + " every "
        + hours(policy.every());
  }

  private static String hours(Duration d) {
    return d.toHours() + "h";
  }
}

package io.caprovisioner.rollout;

import io.caprovisioner.db.BackupStatus;
import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.LifecycleException;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What operators ask of rollouts, each in one transaction: start one, resume or abort it, roll one
 * tenant back; and what they read: its progress per wave and tenant. The waves themselves are
 * moved by {@link RolloutDriver}.
 */
public final class Rollouts {
  private final Pool pool;
  private final TenantLifecycle lifecycle;
  private final String defaultChartVersion;
  private final String defaultImage;
  private final RolloutStore store = new RolloutStore();
  private final TenantRepository tenants = new TenantRepository();
  private final BackupStore backups = new BackupStore();

  /** @param defaultChartVersion HELM_CHART_VERSION, @param defaultImage CA_DOCKER_IMAGE: what "no pin" runs */
  public Rollouts(Pool pool, TenantLifecycle lifecycle, String defaultChartVersion, String defaultImage) {
    this.pool = pool;
    this.lifecycle = lifecycle;
    this.defaultChartVersion = defaultChartVersion;
    this.defaultImage = defaultImage;
  }

  /**
   * Selects the active tenants, leaves out those already on the target, places the rest in waves
   * (by id) and queues the driver. Returns the rollout's status.
   */
  public Future<JsonObject> start(RolloutRequest req, String requestedBy) {
    return pool.withTransaction(sql -> tenants.withStatus(sql, TenantStatus.ACTIVE).compose(active -> {
      List<Tenant> selected = select(req, active);
      List<Tenant> moving = selected.stream().filter(t -> !onTarget(t, req)).toList();
      if (moving.isEmpty()) {
        return Future.failedFuture(LifecycleException.conflict(selected.isEmpty()
            ? "no active tenant matches the selector" : "every selected tenant (" + selected.size()
            + ") already runs the target"));
      }
      List<Integer> sizes = Waves.parse(req.waves()).sizes(moving.size());
      List<RolloutStore.Member> members = new ArrayList<>();
      int wave = 1;
      int placed = 0;
      for (Tenant t : moving) {
        if (placed == sizes.get(wave - 1)) {
          wave++;
          placed = 0;
        }
        members.add(new RolloutStore.Member(t.id(), wave, t.chartVersion(), t.image()));
        placed++;
      }
      return store.insert(sql, req, sizes.size(), requestedBy)
          .compose(id -> store.insertMembers(sql, id, members)
              .compose(v -> RolloutDriver.request(sql, id))
              .compose(v -> status(sql, id))
              .map(s -> s.put("already_on_target", selected.size() - moving.size())));
    })).recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? LifecycleException.conflict("another rollout is running or halted; resume or abort it first") : e));
  }

  private static List<Tenant> select(RolloutRequest req, List<Tenant> active) {
    List<Long> named = req.explicitIds();
    if (!named.isEmpty()) {
      Set<Long> activeIds = active.stream().map(Tenant::id).collect(Collectors.toSet());
      List<Long> missing = named.stream().filter(id -> !activeIds.contains(id)).toList();
      if (!missing.isEmpty()) {
        throw LifecycleException.conflict("not active tenants (only active sites are upgraded): " + missing);
      }
    }
    return active.stream().filter(req::selects).toList();
  }

  private boolean onTarget(Tenant t, RolloutRequest req) {
    boolean chart = req.chartVersion().map(c -> c.equals(t.chartVersion().orElse(defaultChartVersion))).orElse(true);
    boolean image = req.image().map(i -> i.equals(t.image().orElse(defaultImage))).orElse(true);
    return chart && image;
  }

  public Future<JsonObject> status(long id) {
    return pool.withConnection(sql -> status(sql, id));
  }

  public Future<JsonArray> list(int limit) {
    return pool.withConnection(sql -> store.recent(sql, limit))
        .map(all -> new JsonArray(all.stream().map(Rollouts::summary).toList()));
  }

  /** A halted rollout runs on: the failure budget counts anew from here; failed tenants stay failed. */
  public Future<JsonObject> resume(long id) {
    return pool.withTransaction(sql -> locked(sql, id).compose(r -> {
      if (r.state() != RolloutState.HALTED) {
        return Future.failedFuture(LifecycleException.conflict("rollout " + id + " is " + r.state().wire()
            + "; only a halted rollout can be resumed"));
      }
      return store.tenants(sql, id)
          .compose(ms -> store.resume(sql, id, (int) ms.stream().filter(m -> m.state() == RolloutTenantState.FAILED)
              .count()))
          .compose(v -> RolloutDriver.request(sql, id))
          .compose(v -> status(sql, id));
    }));
  }

  /**
   * No further tenant starts: those waiting for their wave are skipped. Upgrades already recorded
   * go on (their reconciles own them); roll a tenant back to undo one.
   */
  public Future<JsonObject> abort(long id) {
    return pool.withTransaction(sql -> locked(sql, id).compose(r -> {
      if (!r.state().unfinished()) {
        return Future.failedFuture(LifecycleException.conflict("rollout " + id + " is already " + r.state().wire()));
      }
      return store.skipPending(sql, id, "rollout aborted")
          .compose(n -> store.setState(sql, id, RolloutState.ABORTED, null))
          .compose(v -> status(sql, id));
    }));
  }

  /**
   * An operator's rollback of one tenant of the rollout: its pre-upgrade backup restored and a
   * commit back to what it ran before (Action: rollback, Rollout: id), synced, schema Job, health
   * check. Without a pre-upgrade backup that is done (it failed, so the upgrade was never
   * committed) there is nothing to restore and only the commit goes back; one that retention
   * deleted is a refusal, never a rollback that quietly keeps the migrated database.
   */
  public Future<JsonObject> rollBack(long id, long tenantId, String requestedBy) {
    return pool.withTransaction(sql -> locked(sql, id).compose(r -> store.tenant(sql, id, tenantId)).compose(m -> {
      if (m.isEmpty()) {
        return Future.failedFuture(LifecycleException.notFound("tenant " + tenantId + " is not in rollout " + id));
      }
      RolloutTenant member = m.get();
      if (member.state() == RolloutTenantState.PENDING || member.state() == RolloutTenantState.SKIPPED) {
        return Future.failedFuture(LifecycleException.conflict(member.namespace() + " was not upgraded by rollout "
            + id + " (" + member.state().wire() + "): nothing to roll back"));
      }
      if (member.state() == RolloutTenantState.ROLLED_BACK) {
        return Future.failedFuture(LifecycleException.conflict(member.namespace() + " is already rolled back"));
      }
      return backups.byRequestKey(sql, tenantId, PreUpgradeBackupGate.requestKey(id)).compose(b -> {
        if (b.isPresent() && b.get().status() == BackupStatus.DELETED) {
          return Future.failedFuture(LifecycleException.conflict("pre-upgrade backup " + b.get().id() + " of "
              + member.namespace() + " was deleted by retention at " + b.get().deletedAt().map(Object::toString)
              .orElse("?") + "; restore another backup with POST /admin/tenants/" + tenantId + "/restore"));
        }
        Optional<Long> restore = b.filter(x -> x.status() == BackupStatus.DONE).map(BackupStore.Backup::id);
        return lifecycle.rollBack(sql, tenantId, member.fromChartVersion(), member.fromImage(), id, restore,
                requestedBy)
            .compose(t -> store.setTenant(sql, id, tenantId, RolloutTenantState.ROLLED_BACK,
                "rolled back by " + requestedBy + " from " + member.state().wire() + restore.map(r ->
                    ", restoring pre-upgrade backup " + r).orElse(", nothing to restore (no pre-upgrade backup done)")));
      })
          .compose(v -> status(sql, id));
    }));
  }

  private Future<Rollout> locked(SqlConnection sql, long id) {
    return store.lock(sql, id).compose(r -> r.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(LifecycleException.notFound("no rollout with id " + id))));
  }

  private Future<JsonObject> status(SqlConnection sql, long id) {
    return store.byId(sql, id).compose(r -> r.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(LifecycleException.notFound("no rollout with id " + id))))
        .compose(r -> store.tenants(sql, id).map(members -> progress(r, members)));
  }

  private static JsonObject summary(Rollout r) {
    return new JsonObject().put("id", r.id()).put("state", r.state().wire())
        .put("chart_version", r.chartVersion().orElse(null)).put("image", r.image().orElse(null))
        .put("selector", r.selector()).put("waves_requested", r.waves()).put("wave_count", r.waveCount())
        .put("current_wave", r.currentWave()).put("pause_seconds", r.pauseSeconds())
        .put("failure_budget", r.failureBudget()).put("halted_reason", r.haltedReason().orElse(null))
        .put("next_wave_at", r.nextWaveAt().map(Object::toString).orElse(null))
        .put("requested_by", r.requestedBy()).put("created_at", r.createdAt().toString())
        .put("updated_at", r.updatedAt().toString())
        .put("finished_at", r.finishedAt().map(Object::toString).orElse(null));
  }

  private static JsonObject progress(Rollout r, List<RolloutTenant> members) {
    JsonArray waves = new JsonArray();
    for (int w = 1; w <= r.waveCount(); w++) {
      int wave = w;
      List<RolloutTenant> in = members.stream().filter(m -> m.wave() == wave).toList();
      JsonObject counts = new JsonObject();
      for (RolloutTenantState s : RolloutTenantState.values()) {
        counts.put(s.wire(), in.stream().filter(m -> m.state() == s).count());
      }
      waves.add(new JsonObject().put("wave", wave).put("size", in.size()).put("counts", counts)
          .put("tenants", new JsonArray(in.stream().map(Rollouts::member).toList())));
    }
    long failed = members.stream().filter(m -> m.state() == RolloutTenantState.FAILED).count();
    return summary(r).put("tenants", members.size()).put("failed", failed)
        .put("failures_counted", failed - r.budgetBase()).put("waves", waves);
  }

  private static JsonObject member(RolloutTenant m) {
    return new JsonObject().put("tenant_id", m.tenantId()).put("namespace", m.namespace())
        .put("state", m.state().wire()).put("reason", m.reason().orElse(null))
        .put("from_chart_version", m.fromChartVersion().orElse(null)).put("from_image", m.fromImage().orElse(null))
        .put("started_at", m.startedAt().map(Object::toString).orElse(null))
        .put("finished_at", m.finishedAt().map(Object::toString).orElse(null));
  }

  /** {@code GET /admin/fleet}: tenants per effective chart version and image, pinned or default. */
  public Future<JsonObject> fleet() {
    return pool.withConnection(sql -> tenants.versionCounts(sql)).map(counts -> {
      JsonArray rows = new JsonArray();
      long total = 0;
      for (TenantRepository.VersionCount c : counts) {
        total += c.tenants();
        rows.add(new JsonObject().put("chart_version", c.chartVersion().orElse(defaultChartVersion))
            .put("chart_pinned", c.chartVersion().isPresent()).put("image", c.image().orElse(defaultImage))
            .put("image_pinned", c.image().isPresent()).put("tenants", c.tenants()));
      }
      return new JsonObject().put("default_chart_version", defaultChartVersion).put("default_image", defaultImage)
          .put("tenants", total).put("versions", rows);
    });
  }
}

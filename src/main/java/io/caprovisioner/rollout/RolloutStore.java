package io.caprovisioner.rollout;

import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The one owner of {@code rollouts} and {@code rollout_tenants}. */
public final class RolloutStore {
  private static final String TENANTS = "SELECT rt.*, t.namespace, t.status AS tenant_status FROM rollout_tenants rt "
      + "JOIN tenants t ON t.id = rt.tenant_id ";

  /** A tenant placed in a wave, with what it ran before. */
  public record Member(long tenantId, int wave, Optional<String> fromChartVersion, Optional<String> fromImage) {
  }

  /** Inserts a running rollout; fails with 23505 on {@code rollouts_one_unfinished} when one is unfinished. */
  public Future<Long> insert(SqlClient sql, RolloutRequest req, int waveCount, String requestedBy) {
    return sql.preparedQuery("INSERT INTO rollouts (chart_version, image, selector, waves, wave_count, pause_seconds, "
            + "failure_budget, state, requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8) RETURNING id")
        .execute(Tuple.of(req.chartVersion().orElse(null), req.image().orElse(null), req.selector(), req.waves(),
            waveCount, req.pauseSeconds(), req.failureBudget(), requestedBy))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Void> insertMembers(SqlClient sql, long rolloutId, List<Member> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>();
    for (Member m : members) {
      batch.add(Tuple.of(rolloutId, m.tenantId(), m.wave(), m.fromChartVersion().orElse(null),
          m.fromImage().orElse(null)));
    }
    return sql.preparedQuery("INSERT INTO rollout_tenants (rollout_id, tenant_id, wave, state, from_chart_version, "
        + "from_image) VALUES ($1, $2, $3, 'pending', $4, $5)").executeBatch(batch).mapEmpty();
  }

  public Future<Optional<Rollout>> byId(SqlClient sql, long id) {
    return sql.preparedQuery("SELECT * FROM rollouts WHERE id = $1").execute(Tuple.of(id)).map(RolloutStore::first);
  }

  /** Locks the row until the transaction ends: one decision about a rollout at a time, whichever replica. */
  public Future<Optional<Rollout>> lock(SqlClient sql, long id) {
    return sql.preparedQuery("SELECT * FROM rollouts WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
        .map(RolloutStore::first);
  }

  /** Newest first. */
  public Future<List<Rollout>> recent(SqlClient sql, int limit) {
    return sql.preparedQuery("SELECT * FROM rollouts ORDER BY id DESC LIMIT $1").execute(Tuple.of(limit))
        .map(rows -> {
          List<Rollout> out = new ArrayList<>();
          rows.forEach(r -> out.add(map(r)));
          return out;
        });
  }

  /** Every tenant of the rollout, by wave and id. */
  public Future<List<RolloutTenant>> tenants(SqlClient sql, long rolloutId) {
    return sql.preparedQuery(TENANTS + "WHERE rt.rollout_id = $1 ORDER BY rt.wave, rt.tenant_id")
        .execute(Tuple.of(rolloutId)).map(RolloutStore::members);
  }

  public Future<Optional<RolloutTenant>> tenant(SqlClient sql, long rolloutId, long tenantId) {
    return sql.preparedQuery(TENANTS + "WHERE rt.rollout_id = $1 AND rt.tenant_id = $2 FOR UPDATE OF rt")
        .execute(Tuple.of(rolloutId, tenantId))
        .map(rows -> members(rows).stream().findFirst());
  }

  public Future<Void> startWave(SqlClient sql, long rolloutId, int wave) {
    return sql.preparedQuery("UPDATE rollouts SET current_wave = $2, next_wave_at = NULL, updated_at = now() "
        + "WHERE id = $1").execute(Tuple.of(rolloutId, wave)).mapEmpty();
  }

  public Future<Void> pauseUntil(SqlClient sql, long rolloutId, OffsetDateTime at) {
    return sql.preparedQuery("UPDATE rollouts SET next_wave_at = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(rolloutId, at)).mapEmpty();
  }

  /** @param reason why it halted; null otherwise */
  public Future<Void> setState(SqlClient sql, long rolloutId, RolloutState state, String reason) {
    return sql.preparedQuery("UPDATE rollouts SET state = $2, halted_reason = $3, updated_at = now(), "
            + "finished_at = CASE WHEN $2 IN ('aborted', 'completed') THEN now() END WHERE id = $1")
        .execute(Tuple.of(rolloutId, state.wire(), reason)).mapEmpty();
  }

  /** Running again; the failure budget counts from the {@code failed} failures so far. */
  public Future<Void> resume(SqlClient sql, long rolloutId, int failed) {
    return sql.preparedQuery("UPDATE rollouts SET state = 'running', halted_reason = NULL, budget_base = $2, "
        + "updated_at = now() WHERE id = $1").execute(Tuple.of(rolloutId, failed)).mapEmpty();
  }

  /** One member's new state; {@code started_at} when it starts upgrading, {@code finished_at} when it settles. */
  public Future<Void> setTenant(SqlClient sql, long rolloutId, long tenantId, RolloutTenantState state,
      String reason) {
    return sql.preparedQuery("UPDATE rollout_tenants SET state = $3, reason = $4, "
            + "started_at = CASE WHEN $3 = 'upgrading' THEN now() ELSE started_at END, "
            + "finished_at = CASE WHEN $3 IN ('pending', 'upgrading') THEN NULL ELSE now() END "
            + "WHERE rollout_id = $1 AND tenant_id = $2")
        .execute(Tuple.of(rolloutId, tenantId, state.wire(), reason)).mapEmpty();
  }

  /** The tenant's upgrade in {@code rolloutId} is through; false when it was not upgrading there. */
  public Future<Boolean> upgraded(SqlClient sql, long rolloutId, long tenantId) {
    return sql.preparedQuery("UPDATE rollout_tenants SET state = 'done', finished_at = now() "
            + "WHERE rollout_id = $1 AND tenant_id = $2 AND state = 'upgrading'")
        .execute(Tuple.of(rolloutId, tenantId)).map(rows -> rows.rowCount() > 0);
  }

  /** The tenant's upgrade, in whichever rollout it is upgrading, failed; its rollout's id, if any. */
  public Future<Optional<Long>> upgradeFailed(SqlClient sql, long tenantId, String reason) {
    return sql.preparedQuery("UPDATE rollout_tenants SET state = 'failed', reason = $2, finished_at = now() "
            + "WHERE tenant_id = $1 AND state = 'upgrading' RETURNING rollout_id")
        .execute(Tuple.of(tenantId, reason))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /** Members still waiting for their wave are left out, with the reason. */
  public Future<Integer> skipPending(SqlClient sql, long rolloutId, String reason) {
    return sql.preparedQuery("UPDATE rollout_tenants SET state = 'skipped', reason = $2, finished_at = now() "
            + "WHERE rollout_id = $1 AND state = 'pending'").execute(Tuple.of(rolloutId, reason))
        .map(RowSet::rowCount);
  }

  private static List<RolloutTenant> members(RowSet<Row> rows) {
    List<RolloutTenant> out = new ArrayList<>();
    rows.forEach(r -> out.add(new RolloutTenant(r.getLong("rollout_id"), r.getLong("tenant_id"),
        r.getString("namespace"), TenantStatus.fromWire(r.getString("tenant_status")), r.getInteger("wave"), RolloutTenantState.fromWire(r.getString("state")),
        Optional.ofNullable(r.getString("from_chart_version")), Optional.ofNullable(r.getString("from_image")),
        Optional.ofNullable(r.getString("reason")), Optional.ofNullable(r.getOffsetDateTime("started_at")),
        Optional.ofNullable(r.getOffsetDateTime("finished_at")))));
    return out;
  }

  private static Optional<Rollout> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
  }

  private static Rollout map(Row r) {
    return new Rollout(r.getLong("id"), Optional.ofNullable(r.getString("chart_version")),
        Optional.ofNullable(r.getString("image")), json(r.getValue("selector"), JsonObject.class),
        json(r.getValue("waves"), JsonArray.class), r.getInteger("wave_count"), r.getInteger("pause_seconds"),
        r.getInteger("failure_budget"), r.getInteger("budget_base"), RolloutState.fromWire(r.getString("state")),
        r.getInteger("current_wave"), Optional.ofNullable(r.getOffsetDateTime("next_wave_at")),
        Optional.ofNullable(r.getString("halted_reason")), r.getString("requested_by"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"),
        Optional.ofNullable(r.getOffsetDateTime("finished_at")));
  }

  private static <T> T json(Object value, Class<T> type) {
    if (type.isInstance(value)) {
      return type.cast(value);
    }
    Object decoded = io.vertx.core.json.Json.decodeValue(String.valueOf(value));
    return type.cast(decoded);
  }
}

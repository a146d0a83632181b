package io.caprovisioner.db;

import io.caprovisioner.tenant.BackupKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code backups}: every backup of a tenant, from its request to its object in the bucket and the
 * deletion of that object by retention. The newest requested id is also kept on the tenant
 * ({@code tenants.backup_requested}), as the reconcile's backup step's target.
 */
public final class BackupStore {
  /** One backup. Size and checksum are those of the object as stored, once done. */
  public record Backup(long id, long tenantId, BackupKind kind, String requestKey, String requestedBy,
      BackupStatus status, Optional<String> objectKey, Optional<Long> sizeBytes, Optional<String> sha256,
      Optional<String> error, Optional<OffsetDateTime> keepUntil, OffsetDateTime requestedAt,
      Optional<OffsetDateTime> startedAt, Optional<OffsetDateTime> completedAt, Optional<OffsetDateTime> deletedAt) {

    /** For {@code GET /admin/tenants/{id}/backups}; no credentials, nothing personal. */
    public JsonObject json() {
      return new JsonObject().put("id", id).put("kind", kind.wire()).put("status", status.wire())
          .put("requested_by", requestedBy).put("requested_at", requestedAt.toString())
          .put("completed_at", completedAt.map(Object::toString).orElse(null))
          .put("size_bytes", sizeBytes.orElse(null)).put("sha256", sha256.orElse(null))
          .put("object_key", objectKey.orElse(null)).put("keep_until", keepUntil.map(Object::toString).orElse(null))
          .put("deleted_at", deletedAt.map(Object::toString).orElse(null)).put("error", error.orElse(null));
    }
  }

  /** @param created false: this request key had been recorded before, and {@code id} is that backup */
  public record Requested(long id, boolean created) {
  }

  /**
   * Records a request (the caller's transaction also records the tenant's intent). A request key
   * seen before is that same backup, whatever its state: a repeated request repeats nothing.
   */
  public Future<Requested> request(SqlClient sql, long tenantId, BackupKind kind, String requestKey,
      String requestedBy) {
    return sql.preparedQuery("INSERT INTO backups (tenant_id, kind, request_key, requested_by) VALUES ($1, $2, $3, $4) "
            + "ON CONFLICT (tenant_id, request_key) DO NOTHING RETURNING id")
        .execute(Tuple.of(tenantId, kind.wire(), requestKey, requestedBy))
        .compose(rows -> {
          if (rows.size() > 0) {
            long id = rows.iterator().next().getLong(0);
            return sql.preparedQuery("UPDATE tenants SET backup_requested = greatest(backup_requested, $2), "
                    + "updated_at = now() WHERE id = $1").execute(Tuple.of(tenantId, id))
                .map(v -> new Requested(id, true));
          }
          return byRequestKey(sql, tenantId, requestKey).map(b -> new Requested(b.orElseThrow().id(), false));
        });
  }

  /** A backup recorded by {@link #requestAll}. */
  public record Added(long tenantId, long id) {
  }

  /**
   * {@link #request} for many tenants in one statement ({@code requestKeys[i]} for
   * {@code tenantIds[i]}); a key seen before for its tenant records nothing. Returns what was added.
   */
  public Future<List<Added>> requestAll(SqlClient sql, BackupKind kind, List<Long> tenantIds, List<String> requestKeys,
      String requestedBy) {
    return sql.preparedQuery("WITH added AS (INSERT INTO backups (tenant_id, kind, request_key, requested_by) "
            + "SELECT t, $1, k, $4 FROM unnest($2::bigint[], $3::text[]) AS r(t, k) "
            + "ON CONFLICT (tenant_id, request_key) DO NOTHING RETURNING tenant_id, id), "
            + "marked AS (UPDATE tenants SET backup_requested = greatest(backup_requested, added.id), updated_at = now() "
            + "FROM added WHERE tenants.id = added.tenant_id) SELECT tenant_id, id FROM added ORDER BY tenant_id")
        .execute(Tuple.of(kind.wire(), tenantIds.toArray(new Long[0]), requestKeys.toArray(new String[0]), requestedBy))
        .map(rows -> {
          List<Added> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Added(r.getLong("tenant_id"), r.getLong("id"))));
          return out;
        });
  }

  /** A backup whose object retention deletes, and why. */
  public record Expired(Backup backup, String reason) {
  }

  /**
   * Retention: up to {@code limit} backups whose objects are to be deleted, oldest first. Of a
   * tenant, scheduled ones beyond its plan's newest {@code keep}; on-demand ones older than the
   * plan's window (every x keep); pre-upgrade ones older than that window except the newest (the
   * one a rollback restores); a final one once past its {@code keep_until}; every backup but the
   * final one of a deleted tenant. A backup a restore still has to load is kept.
   *
   * @param plans plan names, each with its {@code keep} and its window in seconds at the same index;
   *              a plan no longer in the catalogue gets {@code defaultKeep} and {@code defaultWindowSeconds}
   */
  public Future<List<Expired>> expired(SqlClient sql, List<String> plans, List<Integer> keep, List<Long> windowSeconds,
      int defaultKeep, long defaultWindowSeconds, int limit) {
    return sql.preparedQuery("""
            WITH policy AS (SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[]) AS p(plan, keep, window_s)),
            kept AS (
              SELECT b.*, t.status AS tenant_status, coalesce(p.keep, $4) AS plan_keep,
                     justify_hours(coalesce(p.window_s, $5) * interval '1 second') AS plan_window,
                     row_number() OVER (PARTITION BY b.tenant_id, b.kind ORDER BY b.id DESC) AS newest
              FROM backups b JOIN tenants t ON t.id = b.tenant_id LEFT JOIN policy p ON p.plan = t.plan
              WHERE b.status = 'done'),
            judged AS (
              SELECT k.*, CASE
                WHEN k.kind = 'final' AND k.keep_until < now() THEN 'kept until ' || k.keep_until || ' (BACKUP_FINAL_DAYS)'
                WHEN k.kind <> 'final' AND k.tenant_status = 'deleted' THEN 'the tenant is deleted: only its final backup is kept'
                WHEN k.kind = 'scheduled' AND k.newest > k.plan_keep THEN 'beyond the plan''s newest ' || k.plan_keep || ' scheduled backups'
                WHEN k.kind = 'on-demand' AND k.completed_at < now() - k.plan_window
                  THEN 'older than the plan''s window (' || k.plan_window || ')'
                WHEN k.kind = 'pre-upgrade' AND k.newest > 1 AND k.completed_at < now() - k.plan_window
                  THEN 'older than the plan''s window (' || k.plan_window || ') and not the newest pre-upgrade backup'
                END AS reason
              FROM kept k)
            SELECT * FROM judged j WHERE j.reason IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM restores r WHERE r.backup_id = j.id AND r.status <> 'done')
            ORDER BY j.id LIMIT $6""")
        .execute(Tuple.from(new Object[] {plans.toArray(new String[0]), keep.toArray(new Integer[0]),
            windowSeconds.toArray(new Long[0]), defaultKeep, defaultWindowSeconds, limit}))
        .map(rows -> {
          List<Expired> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Expired(map(r), r.getString("reason"))));
          return out;
        });
  }

  public Future<Optional<Backup>> byId(SqlClient sql, long id) {
    return sql.preparedQuery("SELECT * FROM backups WHERE id = $1").execute(Tuple.of(id)).map(BackupStore::first);
  }

  public Future<Optional<Backup>> byRequestKey(SqlClient sql, long tenantId, String requestKey) {
    return sql.preparedQuery("SELECT * FROM backups WHERE tenant_id = $1 AND request_key = $2")
        .execute(Tuple.of(tenantId, requestKey)).map(BackupStore::first);
  }

  /** Until when the tenant's newest final backup is kept, if it has one that is done (the deletion notice says so). */
  public Future<Optional<OffsetDateTime>> finalKeptUntil(SqlClient sql, long tenantId) {
    return sql.preparedQuery("SELECT keep_until FROM backups WHERE tenant_id = $1 AND kind = 'final' "
            + "AND status = 'done' ORDER BY id DESC LIMIT 1").execute(Tuple.of(tenantId))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.ofNullable(rows.iterator().next().getOffsetDateTime("keep_until")));
  }

  /** Newest first. */
  public Future<List<Backup>> list(SqlClient sql, long tenantId) {
    return sql.preparedQuery("SELECT * FROM backups WHERE tenant_id = $1 ORDER BY id DESC")
        .execute(Tuple.of(tenantId)).map(BackupStore::all);
  }

  /** The oldest backup up to {@code upTo} still to be taken (requested or running), if any. */
  public Future<Optional<Backup>> nextPending(SqlClient sql, long tenantId, long upTo) {
    return sql.preparedQuery("SELECT * FROM backups WHERE tenant_id = $1 AND id <= $2 "
            + "AND status IN ('requested','running') ORDER BY id LIMIT 1")
        .execute(Tuple.of(tenantId, upTo)).map(BackupStore::first);
  }

  /** Its Job is about to be created, for this object. */
  public Future<Void> started(SqlClient sql, long id, String objectKey) {
    return sql.preparedQuery("UPDATE backups SET status = 'running', object_key = $2, "
            + "started_at = coalesce(started_at, now()) WHERE id = $1 AND status IN ('requested','running')")
        .execute(Tuple.of(id, objectKey)).mapEmpty();
  }

  /** The object is in the bucket, as the storage reported it. */
  public Future<Void> done(SqlClient sql, long id, long sizeBytes, String sha256, Optional<OffsetDateTime> keepUntil) {
    return sql.preparedQuery("UPDATE backups SET status = 'done', size_bytes = $2, sha256 = $3, keep_until = $4, "
            + "error = NULL, completed_at = now() WHERE id = $1")
        .execute(Tuple.of(id, sizeBytes, sha256, keepUntil.orElse(null))).mapEmpty();
  }

  public Future<Void> failed(SqlClient sql, long id, String error) {
    return sql.preparedQuery("UPDATE backups SET status = 'failed', error = $2, completed_at = now() WHERE id = $1")
        .execute(Tuple.of(id, error)).mapEmpty();
  }

  /** A failed backup asked for again under its request key: its next Job is a new try. */
  public Future<Void> retry(SqlClient sql, long id) {
    return sql.preparedQuery("UPDATE backups SET status = 'requested', error = NULL, completed_at = NULL "
            + "WHERE id = $1 AND status = 'failed'").execute(Tuple.of(id)).mapEmpty();
  }

  /**
   * Retention deleted its object; the row stays, as the record of what was kept and when it went.
   * False when it was no longer {@code done} (another replica's sweep recorded it first).
   */
  public Future<Boolean> deleted(SqlClient sql, long id) {
    return sql.preparedQuery("UPDATE backups SET status = 'deleted', deleted_at = now() WHERE id = $1 AND status = 'done'")
        .execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
  }

  private static Optional<Backup> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
  }

  private static List<Backup> all(RowSet<Row> rows) {
    List<Backup> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }

  private static Backup map(Row r) {
    return new Backup(r.getLong("id"), r.getLong("tenant_id"), BackupKind.fromWire(r.getString("kind")),
        r.getString("request_key"), r.getString("requested_by"), BackupStatus.fromWire(r.getString("status")),
        Optional.ofNullable(r.getString("object_key")), Optional.ofNullable(r.getLong("size_bytes")),
        Optional.ofNullable(r.getString("sha256")), Optional.ofNullable(r.getString("error")),
        Optional.ofNullable(r.getOffsetDateTime("keep_until")), r.getOffsetDateTime("requested_at"),
        Optional.ofNullable(r.getOffsetDateTime("started_at")), Optional.ofNullable(r.getOffsetDateTime("completed_at")),
        Optional.ofNullable(r.getOffsetDateTime("deleted_at")));
  }
}

package io.caprovisioner.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * {@code restores}: each requested restore of a tenant from one of its backups, numbered so the
 * same backup can be restored again; the newest id is {@code tenants.restore_requested}, the
 * target of the reconcile's restore steps.
 */
public final class RestoreStore {
  /** @param status requested, running, done or failed */
  public record Restore(long id, long tenantId, long backupId, String requestedBy, String status,
      Optional<String> error, OffsetDateTime requestedAt, Optional<OffsetDateTime> completedAt) {

    public JsonObject json() {
      return new JsonObject().put("id", id).put("backup_id", backupId).put("status", status)
          .put("requested_by", requestedBy).put("requested_at", requestedAt.toString())
          .put("completed_at", completedAt.map(Object::toString).orElse(null)).put("error", error.orElse(null));
    }
  }

  /** Records the request and makes it the tenant's newest (the caller's transaction records the intent). */
  public Future<Long> request(SqlClient sql, long tenantId, long backupId, String requestedBy) {
    return sql.preparedQuery("INSERT INTO restores (tenant_id, backup_id, requested_by) VALUES ($1, $2, $3) RETURNING id")
        .execute(Tuple.of(tenantId, backupId, requestedBy))
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(id -> sql.preparedQuery("UPDATE tenants SET restore_requested = $2, updated_at = now() WHERE id = $1")
            .execute(Tuple.of(tenantId, id)).map(id));
  }

  public Future<Optional<Restore>> byId(SqlClient sql, long id) {
    return sql.preparedQuery("SELECT * FROM restores WHERE id = $1").execute(Tuple.of(id)).map(RestoreStore::first);
  }

  public Future<Void> running(SqlClient sql, long id) {
    return sql.preparedQuery("UPDATE restores SET status = 'running', error = NULL WHERE id = $1 "
        + "AND status IN ('requested','failed')").execute(Tuple.of(id)).mapEmpty();
  }

  public Future<Void> done(SqlClient sql, long id) {
    return sql.preparedQuery("UPDATE restores SET status = 'done', error = NULL, completed_at = now() WHERE id = $1")
        .execute(Tuple.of(id)).mapEmpty();
  }

  /** A try failed; the step tries again (the site stays scaled to zero meanwhile). */
  public Future<Void> failed(SqlClient sql, long id, String error) {
    return sql.preparedQuery("UPDATE restores SET status = 'failed', error = $2 WHERE id = $1")
        .execute(Tuple.of(id, error)).mapEmpty();
  }

  private static Optional<Restore> first(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row r = rows.iterator().next();
    return Optional.of(new Restore(r.getLong("id"), r.getLong("tenant_id"), r.getLong("backup_id"),
        r.getString("requested_by"), r.getString("status"), Optional.ofNullable(r.getString("error")),
        r.getOffsetDateTime("requested_at"), Optional.ofNullable(r.getOffsetDateTime("completed_at"))));
  }
}

package io.caprovisioner.gitimport;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the Git import keeps in PostgreSQL: the last imported commit and the deletions held for confirmation. */
public final class ImportStateStore {
  /** A tenant whose folder a mass removal took away; it is deleted only once an operator confirms. */
  public record PendingDeletion(long tenantId, String namespace, String removedIn, OffsetDateTime detectedAt) {
    JsonObject json() {
      return new JsonObject().put("tenant_id", tenantId).put("namespace", namespace).put("removed_in", removedIn)
          .put("detected_at", detectedAt.toString());
    }
  }

  public Future<Optional<String>> lastCommit(SqlClient sql) {
    return sql.query("SELECT last_commit FROM gitops_import_state WHERE id = 1").execute()
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.ofNullable(rows.iterator().next().getString("last_commit")));
  }

  public Future<Void> recordImported(SqlClient sql, String commit) {
    return sql.preparedQuery("UPDATE gitops_import_state SET last_commit = $1, last_run_at = now(), last_error = NULL, "
        + "updated_at = now() WHERE id = 1").execute(Tuple.of(commit)).mapEmpty();
  }

  /** The previous error, so that a failure repeated every poll is logged once. */
  public Future<Optional<String>> recordFailure(SqlClient sql, String error) {
    return sql.preparedQuery("UPDATE gitops_import_state s SET last_error = $1, last_run_at = now(), "
            + "updated_at = now() FROM (SELECT last_error FROM gitops_import_state WHERE id = 1) old "
            + "WHERE s.id = 1 RETURNING old.last_error")
        .execute(Tuple.of(error))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.ofNullable(rows.iterator().next().getString("last_error")));
  }

  public Future<JsonObject> status(SqlClient sql) {
    return sql.query("SELECT last_commit, last_run_at, last_error, "
            + "(SELECT count(*) FROM gitops_pending_deletions) AS pending FROM gitops_import_state WHERE id = 1")
        .execute().map(rows -> {
          Row r = rows.iterator().next();
          return new JsonObject().put("last_commit", r.getString("last_commit"))
              .put("last_run_at", Optional.ofNullable(r.getOffsetDateTime("last_run_at")).map(Object::toString)
                  .orElse(null))
              .put("last_error", r.getString("last_error"))
              .put("pending_deletions", r.getLong("pending"));
        });
  }

  public Future<List<PendingDeletion>> pending(SqlClient sql) {
    return sql.query("SELECT tenant_id, namespace, removed_in, detected_at FROM gitops_pending_deletions "
        + "ORDER BY namespace").execute().map(rows -> {
          List<PendingDeletion> out = new ArrayList<>();
          rows.forEach(r -> out.add(new PendingDeletion(r.getLong("tenant_id"), r.getString("namespace"),
              r.getString("removed_in"), r.getOffsetDateTime("detected_at"))));
          return out;
        });
  }

  public static JsonArray json(List<PendingDeletion> pending) {
    JsonArray out = new JsonArray();
    pending.forEach(p -> out.add(p.json()));
    return out;
  }

  /** Adds the tenant unless it is already waiting (the first detection is kept). */
  public Future<Void> hold(SqlClient sql, long tenantId, String namespace, String removedIn) {
    return sql.preparedQuery("INSERT INTO gitops_pending_deletions (tenant_id, namespace, removed_in) "
            + "VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING")
        .execute(Tuple.of(tenantId, namespace, removedIn)).mapEmpty();
  }

  public Future<Void> release(SqlClient sql, long tenantId) {
    return sql.preparedQuery("DELETE FROM gitops_pending_deletions WHERE tenant_id = $1").execute(Tuple.of(tenantId))
        .mapEmpty();
  }
}

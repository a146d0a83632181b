package io.caprovisioner.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The per-tenant history of what was requested and what each step did ({@code provisioning_logs},
 * with the seed's columns: action, status, message, error_details, stripe_event_id, created_at,
 * completed_at).
 */
public final class ProvisioningLog {
  /**
   * @param errorDetails the failure, for entries with status failed; else null
   */
  public Future<Void> append(SqlClient sql, long tenantId, String action, LogStatus status, String message,
      String errorDetails, String stripeEventId) {
    boolean completed = status == LogStatus.SUCCEEDED || status == LogStatus.FAILED;
    return sql.preparedQuery("INSERT INTO provisioning_logs (tenant_id, action, status, message, error_details, "
            + "stripe_event_id, completed_at) VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END)")
        .execute(Tuple.from(new Object[] {tenantId, action, status.wire(), message, errorDetails, stripeEventId,
            completed}))
        .mapEmpty();
  }

  public Future<Void> append(SqlClient sql, long tenantId, String action, LogStatus status, String message,
      String stripeEventId) {
    return append(sql, tenantId, action, status, message, null, stripeEventId);
  }

  public Future<Void> append(SqlClient sql, long tenantId, String action, LogStatus status, String message) {
    return append(sql, tenantId, action, status, message, null, null);
  }

  /** One entry for each of many tenants, in one statement ({@code messages[i]} for {@code tenantIds[i]}). */
  public Future<Void> appendAll(SqlClient sql, List<Long> tenantIds, String action, LogStatus status,
      List<String> messages) {
    boolean completed = status == LogStatus.SUCCEEDED || status == LogStatus.FAILED;
    return sql.preparedQuery("INSERT INTO provisioning_logs (tenant_id, action, status, message, completed_at) "
            + "SELECT t, $3, $4, m, CASE WHEN $5 THEN now() END FROM unnest($1::bigint[], $2::text[]) "
            + "WITH ORDINALITY AS x(t, m, n) ORDER BY n")
        .execute(Tuple.of(tenantIds.toArray(new Long[0]), messages.toArray(new String[0]), action, status.wire(),
            completed))
        .mapEmpty();
  }

  /** Oldest first, as a JSON array for the status endpoint. */
  public Future<JsonArray> list(SqlClient sql, long tenantId) {
    return sql.preparedQuery("SELECT id, action, status, message, error_details, stripe_event_id, created_at, "
            + "completed_at FROM provisioning_logs WHERE tenant_id = $1 ORDER BY id").execute(Tuple.of(tenantId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject()
              .put("id", r.getLong("id")).put("action", r.getString("action")).put("status", r.getString("status"))
              .put("message", r.getString("message")).put("error_details", r.getString("error_details"))
              .put("stripe_event_id", r.getString("stripe_event_id"))
              .put("created_at", r.getOffsetDateTime("created_at").toString())
              .put("completed_at", text(r.getOffsetDateTime("completed_at")))));
          return out;
        });
  }

  private static String text(OffsetDateTime t) {
    return t == null ? null : t.toString();
  }
}

package io.caprovisioner.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** The per-tenant history of what was requested and what each step did ({@code provisioning_logs}). */
public final class ProvisioningLog {
  public Future<Void> append(SqlClient sql, long tenantId, String step, String status, String message,
      String stripeEventId) {
    return sql.preparedQuery("INSERT INTO provisioning_logs (tenant_id, step, status, message, stripe_event_id) "
            + "VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(tenantId, step, status, message, stripeEventId)).mapEmpty();
  }

  public Future<Void> append(SqlClient sql, long tenantId, String step, String status, String message) {
    return append(sql, tenantId, step, status, message, null);
  }

  /** Oldest first, as a JSON array for the status endpoint. */
  public Future<JsonArray> list(SqlClient sql, long tenantId) {
    return sql.preparedQuery("SELECT id, step, status, message, stripe_event_id, created_at FROM provisioning_logs "
            + "WHERE tenant_id = $1 ORDER BY id").execute(Tuple.of(tenantId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject()
              .put("id", r.getLong("id")).put("step", r.getString("step")).put("status", r.getString("status"))
              .put("message", r.getString("message")).put("stripe_event_id", r.getString("stripe_event_id"))
              .put("created_at", r.getOffsetDateTime("created_at").toString())));
          return out;
        });
  }
}

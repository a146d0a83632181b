package io.caprovisioner.db;

import io.caprovisioner.tenant.Intent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** {@code tenant_intents}: every intent recorded for a tenant, with the generation it made. */
public final class TenantIntents {
  public Future<Void> append(SqlClient sql, long tenantId, long generation, Intent intent) {
    return sql.preparedQuery("INSERT INTO tenant_intents (tenant_id, generation, kind, requested_by, stripe_event_id) "
            + "VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(tenantId, generation, intent.kind().wire(), intent.requestedBy(),
            intent.stripeEventId().orElse(null)))
        .mapEmpty();
  }

  /** The same intent for many tenants, each at its own generation ({@code generations[i]} for {@code tenantIds[i]}). */
  public Future<Void> appendAll(SqlClient sql, List<Long> tenantIds, List<Long> generations, Intent intent) {
    return sql.preparedQuery("INSERT INTO tenant_intents (tenant_id, generation, kind, requested_by, stripe_event_id) "
            + "SELECT t, g, $3, $4, $5 FROM unnest($1::bigint[], $2::bigint[]) AS x(t, g)")
        .execute(Tuple.of(tenantIds.toArray(new Long[0]), generations.toArray(new Long[0]), intent.kind().wire(),
            intent.requestedBy(), intent.stripeEventId().orElse(null)))
        .mapEmpty();
  }

  /** Oldest first. */
  public Future<JsonArray> list(SqlClient sql, long tenantId) {
    return sql.preparedQuery("SELECT generation, kind, requested_by, stripe_event_id, created_at FROM tenant_intents "
            + "WHERE tenant_id = $1 ORDER BY id").execute(Tuple.of(tenantId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("generation", r.getLong("generation"))
              .put("kind", r.getString("kind")).put("requested_by", r.getString("requested_by"))
              .put("stripe_event_id", r.getString("stripe_event_id"))
              .put("created_at", r.getOffsetDateTime("created_at").toString())));
          return out;
        });
  }
}

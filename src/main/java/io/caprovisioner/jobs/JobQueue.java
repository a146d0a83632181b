package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * Puts work into the durable {@code jobs} table. Enqueue inside the caller's transaction so the
 * job exists exactly when the change that needs it was committed.
 */
public final class JobQueue {
  public static final String CHANNEL = "ca_provisioner_jobs";

  /**
   * Queues a job; when {@code dedupeKey} names work that is already queued or running, nothing is
   * added and the result is empty.
   */
  public Future<Optional<Long>> enqueue(SqlClient sql, Long tenantId, String kind, JsonObject payload,
      String dedupeKey) {
    return sql.preparedQuery("INSERT INTO jobs (tenant_id, kind, payload, dedupe_key) VALUES ($1, $2, $3, $4) "
            + "ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued','running') DO NOTHING "
            + "RETURNING id")
        .execute(Tuple.of(tenantId, kind, payload, dedupeKey))
        .compose(rows -> {
          Optional<Long> id = rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("id"));
          // NOTIFY is delivered at commit, so workers never see a job before it exists
          return sql.query("NOTIFY " + CHANNEL).execute().map(id);
        });
  }
}

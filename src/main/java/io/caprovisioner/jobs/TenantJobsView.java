package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * For {@code GET /admin/tenants/{id}/status}: the tenant's recent jobs, newest first, each with
 * its steps: state, attempts, next try, last error (or why it waits).
 */
public final class TenantJobsView {
  private static final int LIMIT = 20;

  public Future<JsonArray> jobs(SqlClient sql, long tenantId) {
    return sql.preparedQuery("SELECT j.*, s.step AS s_step, s.state AS s_state, s.attempts AS s_attempts, "
            + "s.last_error AS s_error, s.started_at AS s_started, s.finished_at AS s_finished "
            + "FROM (SELECT * FROM jobs WHERE tenant_id = $1 ORDER BY id DESC LIMIT " + LIMIT + ") j "
            + "LEFT JOIN job_steps s ON s.job_id = j.id ORDER BY j.id DESC, s.position")
        .execute(Tuple.of(tenantId))
        .map(rows -> {
          Map<Long, JsonObject> jobs = new LinkedHashMap<>();
          for (Row r : rows) {
            JsonObject job = jobs.computeIfAbsent(r.getLong("id"), id -> job(r));
            if (r.getString("s_step") != null) {
              job.getJsonArray("steps").add(step(r, job));
            }
          }
          return new JsonArray(new java.util.ArrayList<>(jobs.values()));
        });
  }

  private static JsonObject job(Row r) {
    String state = r.getString("state");
    return new JsonObject().put("id", r.getLong("id")).put("kind", r.getString("kind")).put("state", state)
        .put("step", r.getString("step")).put("attempts", r.getInteger("attempts"))
        .put("max_attempts", r.getInteger("max_attempts"))
        .put("next_try", "queued".equals(state) ? text(r.getOffsetDateTime("run_after")) : null)
        .put("waiting_for", r.getString("wait_reason")).put("last_error", r.getString("last_error"))
        .put("created_at", text(r.getOffsetDateTime("created_at")))
        .put("started_at", text(r.getOffsetDateTime("started_at")))
        .put("finished_at", text(r.getOffsetDateTime("finished_at")))
        .put("steps", new JsonArray());
  }

  private static JsonObject step(Row r, JsonObject job) {
    String state = r.getString("s_state");
    boolean pendingRetry = "queued".equals(job.getString("state")) && ("waiting".equals(state)
        || "failed".equals(state) || "running".equals(state));
    return new JsonObject().put("step", r.getString("s_step")).put("state", state)
        .put("attempts", r.getInteger("s_attempts"))
        .put("next_try", pendingRetry ? job.getString("next_try") : null)
        .put("last_error", r.getString("s_error"))
        .put("started_at", text(r.getOffsetDateTime("s_started")))
        .put("finished_at", text(r.getOffsetDateTime("s_finished")));
  }

  private static String text(OffsetDateTime t) {
    return t == null ? null : t.toString();
  }
}

package io.caprovisioner.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code tenant_steps}: per tenant and step, what the step last achieved and how its current try
 * goes. The reconciler runs a step only when the desired state's target differs from what it
 * achieved; operators read attempts, next try and the last error here.
 */
public final class TenantStepStore {
  /** One step's record. {@code achieved} empty: never done, or undone since. */
  public record StepRecord(String step, int position, Optional<String> target, Optional<String> achieved,
      String state, int attempts, Optional<String> lastError, Optional<OffsetDateTime> nextTry,
      Optional<OffsetDateTime> startedAt, Optional<OffsetDateTime> finishedAt) {

    public boolean achieved(String wanted) {
      return achieved.isPresent() && achieved.get().equals(wanted);
    }
  }

  public Future<Map<String, StepRecord>> all(SqlClient sql, long tenantId) {
    return sql.preparedQuery("SELECT * FROM tenant_steps WHERE tenant_id = $1 ORDER BY position, step")
        .execute(Tuple.of(tenantId))
        .map(rows -> {
          Map<String, StepRecord> out = new LinkedHashMap<>();
          rows.forEach(r -> out.put(r.getString("step"), map(r)));
          return out;
        });
  }

  /**
   * When the first try towards a step's current target began, and the database's time as the
   * current try began: both on the database's clock, the one clock every replica shares.
   */
  public record StepStart(OffsetDateTime startedAt, OffsetDateTime databaseNow) {
    /**
     * The same moment on this replica's clock, for steps that compare it with their own now:
     * a replica whose clock is off by hours must not time a step out at once, or never.
     */
    public OffsetDateTime onThisClock() {
      return OffsetDateTime.now().minus(Duration.between(startedAt, databaseNow));
    }
  }

  /**
   * A try of {@code step} towards {@code target} begins. Towards a new target the counters start
   * again; returns when the first try towards this target began (step timeouts count from it).
   */
  public Future<StepStart> begin(SqlClient sql, long tenantId, String step, int position, String target) {
    return sql.preparedQuery("INSERT INTO tenant_steps (tenant_id, step, position, target, state, attempts, started_at) "
            + "VALUES ($1, $2, $3, $4, 'running', 1, now()) ON CONFLICT (tenant_id, step) DO UPDATE SET "
            + "position = $3, state = 'running', next_try = NULL, updated_at = now(), "
            + "attempts = CASE WHEN tenant_steps.target IS DISTINCT FROM $4 THEN 1 ELSE tenant_steps.attempts + 1 END, "
            + "started_at = CASE WHEN tenant_steps.target IS DISTINCT FROM $4 OR tenant_steps.started_at IS NULL "
            + "THEN now() ELSE tenant_steps.started_at END, target = $4 RETURNING started_at, now() AS database_now")
        .execute(Tuple.of(tenantId, step, position, target))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new StepStart(r.getOffsetDateTime("started_at"), r.getOffsetDateTime("database_now"));
        });
  }

  /** Done for {@code target}; the steps it undoes (a dropped database undoes its creation) must run again. */
  public Future<Void> achieved(SqlClient sql, long tenantId, String step, String target, List<String> undoes) {
    return sql.preparedQuery("UPDATE tenant_steps SET state = 'done', achieved = $3, last_error = NULL, next_try = NULL, "
            + "finished_at = now(), updated_at = now() WHERE tenant_id = $1 AND step = $2")
        .execute(Tuple.of(tenantId, step, target))
        .compose(v -> undoes.isEmpty() ? Future.succeededFuture()
            : sql.preparedQuery("UPDATE tenant_steps SET achieved = NULL, state = 'pending', finished_at = NULL, "
                    + "updated_at = now() WHERE tenant_id = $1 AND step = ANY($2)")
                .execute(Tuple.tuple().addLong(tenantId).addArrayOfString(undoes.toArray(new String[0]))).mapEmpty());
  }

  /** Waiting is not trying: it costs no attempt. */
  public Future<Void> waiting(SqlClient sql, long tenantId, String step, String reason, Duration retryIn) {
    return sql.preparedQuery("UPDATE tenant_steps SET state = 'waiting', last_error = $3, "
            + "attempts = greatest(attempts - 1, 0), next_try = now() + ($4::bigint * interval '1 millisecond'), "
            + "updated_at = now() WHERE tenant_id = $1 AND step = $2")
        .execute(Tuple.of(tenantId, step, reason, retryIn.toMillis())).mapEmpty();
  }

  /** When it is tried again is the queue's backoff: the status view reads it from the reconcile job. */
  public Future<Void> failed(SqlClient sql, long tenantId, String step, String error) {
    return sql.preparedQuery("UPDATE tenant_steps SET state = 'failed', last_error = $3, next_try = NULL, "
            + "updated_at = now() WHERE tenant_id = $1 AND step = $2")
        .execute(Tuple.of(tenantId, step, error)).mapEmpty();
  }

  /** The step that failed last, if any: where a retry resumes. */
  public Future<Optional<String>> lastFailed(SqlClient sql, long tenantId) {
    return sql.preparedQuery("SELECT step FROM tenant_steps WHERE tenant_id = $1 AND state = 'failed' "
            + "ORDER BY updated_at DESC LIMIT 1").execute(Tuple.of(tenantId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  /** A retry: failed steps start their count again (what was achieved stays achieved). */
  public Future<Void> resetFailed(SqlClient sql, long tenantId) {
    return sql.preparedQuery("UPDATE tenant_steps SET state = 'pending', attempts = 0, started_at = NULL, "
            + "next_try = NULL, updated_at = now() WHERE tenant_id = $1 AND state = 'failed'")
        .execute(Tuple.of(tenantId)).mapEmpty();
  }

  /** For {@code GET /admin/tenants/{id}/status}: each step in order. */
  public Future<JsonArray> json(SqlClient sql, long tenantId) {
    return all(sql, tenantId).map(steps -> {
      JsonArray out = new JsonArray();
      steps.values().forEach(s -> out.add(new JsonObject().put("step", s.step()).put("state", s.state())
          .put("attempts", s.attempts()).put("next_try", s.nextTry().map(Object::toString).orElse(null))
          .put("last_error", s.lastError().orElse(null))
          .put("started_at", s.startedAt().map(Object::toString).orElse(null))
          .put("finished_at", s.finishedAt().map(Object::toString).orElse(null))));
      return out;
    });
  }

  private static StepRecord map(Row r) {
    return new StepRecord(r.getString("step"), r.getInteger("position"), Optional.ofNullable(r.getString("target")),
        Optional.ofNullable(r.getString("achieved")), r.getString("state"), r.getInteger("attempts"),
        Optional.ofNullable(r.getString("last_error")), Optional.ofNullable(r.getOffsetDateTime("next_try")),
        Optional.ofNullable(r.getOffsetDateTime("started_at")), Optional.ofNullable(r.getOffsetDateTime("finished_at")));
  }
}

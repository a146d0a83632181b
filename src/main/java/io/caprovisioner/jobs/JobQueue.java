package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
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
  public Future<Optional<Long>> enqueue(SqlClient sql, Long subject, String kind, JsonObject payload,
      String dedupeKey) {
    return sql.preparedQuery("INSERT INTO jobs (tenant_id, kind, payload, dedupe_key) VALUES ($1, $2, $3, $4) "
            + "ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued','running') DO NOTHING "
            + "RETURNING id")
        .execute(Tuple.of(subject, kind, payload, dedupeKey))
        .compose(rows -> {
          Optional<Long> id = rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("id"));
          // NOTIFY is delivered at commit, so workers never see a job before it exists
          return sql.query("NOTIFY " + CHANNEL).execute().map(id);
        });
  }

  /**
   * Queues one job of {@code kind} per payload, without a subject, in one statement, in the list's
   * order; a job whose dedupe key names work already queued or running is left out. Returns how
   * many were added.
   */
  public Future<Integer> enqueueAll(SqlClient sql, String kind, java.util.List<JsonObject> payloads,
      java.util.List<String> dedupeKeys) {
    if (payloads.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return sql.preparedQuery("INSERT INTO jobs (kind, payload, dedupe_key) SELECT $1, p::jsonb, k "
            + "FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(p, k, n) ORDER BY n "
            + "ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued','running') DO NOTHING")
        .execute(Tuple.of(kind, payloads.stream().map(JsonObject::encode).toArray(String[]::new), dedupeKeys.toArray(new String[0])))
        .compose(rows -> sql.query("NOTIFY " + CHANNEL).execute().map(rows.rowCount()));
  }

  /**
   * Level-triggered work: asks for one run of {@code kind} for {@code subject}, however often it
   * is asked. A queued one (even one waiting for its next try) becomes due now; a running one is
   * marked to run once more when it ends; otherwise a new one is queued. Returns the job's id.
   */
  public Future<Long> request(SqlClient sql, long subject, String kind, JsonObject payload) {
    String dedupeKey = kind + ":" + subject;
    return sql.preparedQuery("UPDATE jobs SET run_after = CASE WHEN state = 'queued' THEN least(run_after, now()) "
            + "ELSE run_after END, rerun = (state = 'running'), payload = payload || $2, parked_on = NULL, updated_at = now() "
            + "WHERE dedupe_key = $1 AND state IN ('queued','running') RETURNING id")
        .execute(Tuple.of(dedupeKey, payload))
        .compose(rows -> rows.size() > 0
            ? sql.query("NOTIFY " + CHANNEL).execute().map(rows.iterator().next().getLong("id"))
            : enqueue(sql, subject, kind, payload, dedupeKey).compose(id -> id.isPresent()
                ? Future.succeededFuture(id.get())
                // lost a race with another transaction's insert: that one is ours too
                : request(sql, subject, kind, payload)));
  }

  /**
   * {@link #request} for many subjects in two statements: their queued jobs become due now, their
   * running ones run once more, and the others get a new one. Returns how many were added.
   */
  public Future<Integer> requestAll(SqlClient sql, List<Long> subjects, String kind) {
    if (subjects.isEmpty()) {
      return Future.succeededFuture(0);
    }
    String[] dedupeKeys = subjects.stream().map(s -> kind + ":" + s).toArray(String[]::new);
    return sql.preparedQuery("UPDATE jobs SET run_after = CASE WHEN state = 'queued' THEN least(run_after, now()) "
            + "ELSE run_after END, rerun = (state = 'running'), parked_on = NULL, updated_at = now() "
            + "WHERE dedupe_key = ANY($1) AND state IN ('queued','running')")
        .execute(Tuple.of((Object) dedupeKeys))
        // a subject whose job was queued meanwhile by another transaction is left out: that job runs for it
        .compose(v -> sql.preparedQuery("INSERT INTO jobs (tenant_id, kind, payload, dedupe_key) "
                + "SELECT s, $2, '{}'::jsonb, $2 || ':' || s FROM unnest($1::bigint[]) AS s "
                + "ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued','running') DO NOTHING")
            .execute(Tuple.of(subjects.toArray(new Long[0]), kind)))
        .compose(rows -> sql.query("NOTIFY " + CHANNEL).execute().map(rows.rowCount()));
  }

  /**
   * {@code dependency} answers again: every job parked on it (by any replica) becomes due now, and
   * the wake is recorded, so a job parking at this very moment sees it (see {@code JobStore.park}).
   * Returns how many jobs were woken.
   */
  public Future<Integer> wakeParked(Pool pool, String dependency) {
    // the wall clock of the wake, not the transaction's start: every job claimed before it counts as woken
    return pool.withTransaction(sql -> sql.preparedQuery("INSERT INTO job_dependency_wakes (dependency, woken_at) "
            + "VALUES ($1, clock_timestamp()) ON CONFLICT (dependency) DO UPDATE SET woken_at = clock_timestamp()")
        .execute(Tuple.of(dependency))
        .compose(v -> sql.preparedQuery("UPDATE jobs SET run_after = now(), parked_on = NULL, updated_at = now() "
            + "WHERE state = 'queued' AND parked_on = $1").execute(Tuple.of(dependency)))
        .compose(rows -> sql.query("NOTIFY " + CHANNEL).execute().map(rows.rowCount())));
  }

  /** How many queued jobs are parked on {@code dependency} now (operators, tests, the bench). */
  public Future<Integer> parkedOn(SqlClient sql, String dependency) {
    return sql.preparedQuery("SELECT count(*) FROM jobs WHERE state = 'queued' AND parked_on = $1")
        .execute(Tuple.of(dependency)).map(rows -> rows.iterator().next().getInteger(0));
  }

  /**
   * For operators: the newest jobs of {@code kind} for {@code subject}, newest first, each with its
   * state, attempts, next try and why it waits or what failed last.
   */
  public Future<JsonArray> recent(SqlClient sql, long subject, String kind, int limit) {
    return sql.preparedQuery("SELECT * FROM jobs WHERE tenant_id = $1 AND kind = $2 ORDER BY id DESC LIMIT $3")
        .execute(Tuple.of(subject, kind, limit))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> {
            String state = r.getString("state");
            out.add(new JsonObject().put("id", r.getLong("id")).put("kind", r.getString("kind")).put("state", state)
                .put("step", r.getString("step")).put("attempts", r.getInteger("attempts"))
                .put("max_attempts", r.getInteger("max_attempts"))
                .put("next_try", "queued".equals(state) ? text(r.getOffsetDateTime("run_after")) : null)
                .put("waiting_for", r.getString("wait_reason")).put("last_error", r.getString("last_error"))
                .put("created_at", text(r.getOffsetDateTime("created_at")))
                .put("started_at", text(r.getOffsetDateTime("started_at")))
                .put("finished_at", text(r.getOffsetDateTime("finished_at"))));
          });
          return out;
        });
  }

  private static String text(OffsetDateTime t) {
    return t == null ? null : t.toString();
  }
}

package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The state transitions of the {@code jobs} table. Every update of a claimed job is fenced by its
 * lock token ({@code locked_by}), so only the current holder of the lease can settle it.
 */
final class JobStore {
  /**
   * One runnable job: queued and due, of a kind this runner handles, and the first of its
   * tenant: no running job of that tenant, no earlier queued one (unless that one only waits for
   * a date). SKIP LOCKED lets runners claim side by side; the unique index on running jobs per
   * tenant settles the race two snapshots cannot see (the loser gets 23505 and claims again).
   */
  private static final String CLAIM = """
      UPDATE jobs SET state = 'running', locked_by = $1, attempts = attempts + 1, started_at = now(),
             lease_until = now() + ($2::bigint * interval '1 millisecond'), updated_at = now()
      WHERE id = (
        SELECT j.id FROM jobs j
        WHERE j.state = 'queued' AND j.run_after <= now() AND j.kind = ANY($3)
          AND (j.tenant_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM jobs o WHERE o.tenant_id = j.tenant_id AND o.id <> j.id
              AND (o.state = 'running' OR (o.state = 'queued' AND o.id < j.id AND o.blocks_tenant))))
        ORDER BY j.run_after, j.id
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
      RETURNING *""";

  private final Pool pool;

  JobStore(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<Job>> claim(String runnerId, Duration lease, List<String> kinds) {
    String token = runnerId + "#" + UUID.randomUUID();
    return pool.preparedQuery(CLAIM).execute(Tuple.of(token, lease.toMillis(), kinds.toArray(new String[0])))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Job.from(rows.iterator().next())));
  }

  /** False when the lease was lost (expired and rescued, or the job changed hands). */
  Future<Boolean> renew(Job job, Duration lease) {
    return pool.preparedQuery("UPDATE jobs SET lease_until = now() + ($3::bigint * interval '1 millisecond') "
            + "WHERE id = $1 AND locked_by = $2 AND state = 'running'")
        .execute(Tuple.of(job.id(), job.lockToken(), lease.toMillis())).map(r -> r.rowCount() == 1);
  }

  /**
   * Done, unless it was requested again while it ran ({@code rerun}): then it goes straight back
   * to the queue, so a request that came after the handler's last look is never lost.
   */
  Future<Boolean> complete(Job job) {
    return pool.preparedQuery("UPDATE jobs SET state = CASE WHEN rerun THEN 'queued' ELSE 'done' END, "
            + "finished_at = CASE WHEN rerun THEN NULL ELSE now() END, run_after = now(), rerun = false, "
            + "attempts = CASE WHEN rerun THEN 0 ELSE attempts END, locked_by = NULL, "
            + "lease_until = NULL, wait_reason = NULL, updated_at = now() "
            + "WHERE id = $1 AND locked_by = $2 AND state = 'running'")
        .execute(Tuple.of(job.id(), job.lockToken())).map(r -> r.rowCount() == 1);
  }

  /**
   * Back to the queue without spending an attempt: waiting is not failing. Requested again while
   * it ran: due at once instead.
   */
  Future<Boolean> requeue(Job job, Outcome.Wait wait) {
    return pool.preparedQuery("UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), "
            + "run_after = CASE WHEN rerun THEN now() ELSE now() + ($3::bigint * interval '1 millisecond') END, "
            + "rerun = false, blocks_tenant = $4, wait_reason = $5, parked_on = NULL, "
            + "locked_by = NULL, lease_until = NULL, updated_at = now() "
            + "WHERE id = $1 AND locked_by = $2 AND state = 'running'")
        .execute(Tuple.of(job.id(), job.lockToken(), wait.retryIn().toMillis(), wait.blocksTenant(), wait.reason()))
        .map(r -> r.rowCount() == 1);
  }

  /**
   * Parked on a dependency (see {@link Outcome#parkOn}): back to the queue without spending an
   * attempt, due only when the safety net ends (jittered, so a fleet parked together does not wake
   * together), unless woken sooner. Requested again while it ran, or its dependency woken since
   * this run was claimed: due at once instead. The share lock on the dependency's wake row orders
   * this against a concurrent {@link JobQueue#wakeParked}: one of the two always sees the other.
   */
  Future<Boolean> park(Job job, Outcome.Wait wait) {
    String dependency = wait.parkedOn().orElseThrow();
    return pool.preparedQuery("""
            WITH wake AS (SELECT woken_at FROM job_dependency_wakes WHERE dependency = $5 FOR SHARE),
                 this AS (SELECT id, rerun OR coalesce(started_at <= (SELECT max(woken_at) FROM wake), false) AS due
                          FROM jobs WHERE id = $1)
            UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0),
                   run_after = CASE WHEN this.due THEN now()
                     ELSE now() + ($3::bigint * (0.75 + random() * 0.25)) * interval '1 millisecond' END,
                   parked_on = CASE WHEN this.due THEN NULL ELSE $5 END,
                   rerun = false, blocks_tenant = true, wait_reason = $4,
                   locked_by = NULL, lease_until = NULL, updated_at = now()
            FROM this WHERE jobs.id = this.id AND locked_by = $2 AND state = 'running'""")
        .execute(Tuple.of(job.id(), job.lockToken(), wait.retryIn().toMillis(), wait.reason(), dependency))
        .map(r -> r.rowCount() == 1);
  }

  /** A failed attempt: retried after {@code delay}, or dead when it was the last one. */
  Future<Boolean> fail(Job job, String error, Duration delay) {
    return pool.preparedQuery("UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, "
            + "finished_at = CASE WHEN attempts >= max_attempts THEN now() END, "
            + "run_after = now() + ($4::bigint * interval '1 millisecond'), last_error = $3, blocks_tenant = true, "
            + "wait_reason = NULL, locked_by = NULL, lease_until = NULL, updated_at = now() "
            + "WHERE id = $1 AND locked_by = $2 AND state = 'running' RETURNING state")
        .execute(Tuple.of(job.id(), job.lockToken(), error, delay.toMillis()))
        .map(rows -> rows.size() == 1 && "dead".equals(rows.iterator().next().getString("state")));
  }

  /** On shutdown: give the job back at once, the interrupted attempt not counted. */
  Future<Boolean> release(Job job) {
    return pool.preparedQuery("UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), "
            + "run_after = now(), locked_by = NULL, lease_until = NULL, updated_at = now() "
            + "WHERE id = $1 AND locked_by = $2 AND state = 'running'")
        .execute(Tuple.of(job.id(), job.lockToken())).map(r -> r.rowCount() == 1);
  }

  /**
   * At start: jobs that wait for something (not for a date, not a failure's backoff) look again
   * now. A restart is how an operator brings new configuration, e.g. the DB_HOST a step waited for.
   */
  Future<Integer> wakeWaiting() {
    return pool.query("UPDATE jobs SET run_after = now(), parked_on = NULL, updated_at = now() WHERE state = 'queued' "
            + "AND wait_reason IS NOT NULL AND blocks_tenant AND run_after > now()")
        .execute().map(r -> r.rowCount());
  }

  /** A job rescued from an expired lease; {@code dead} when that was its last attempt. */
  record Rescued(long id, String kind, boolean dead, Job job) {
  }

  /**
   * Jobs whose holder died: it stopped renewing the lease, or its runner's heartbeat went silent
   * for longer than {@code silentAfter} (a killed or paused process: seconds, not the whole lease).
   * Queued again at once, or dead when that was the last attempt. The attempt the dead holder
   * started counts, so a job that kills its runner each time ends dead instead of looping.
   */
  Future<List<Rescued>> rescueExpired(Duration silentAfter) {
    return pool.preparedQuery("UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END, "
            + "finished_at = CASE WHEN attempts >= max_attempts THEN now() END, "
            + "last_error = CASE WHEN lease_until < now() "
            + "THEN 'lease expired: ' || coalesce(locked_by, '?') || ' stopped renewing it (process killed?)' "
            + "ELSE 'runner of ' || coalesce(locked_by, '?') || ' stopped its heartbeat (process killed or paused?)' END, "
            + "run_after = now(), locked_by = NULL, lease_until = NULL, updated_at = now() "
            + "WHERE state = 'running' AND (lease_until < now() OR EXISTS (SELECT 1 FROM job_runners r "
            + "WHERE starts_with(jobs.locked_by, r.runner_id || '#') "
            + "AND r.heartbeat_at < now() - ($1::bigint * interval '1 millisecond'))) RETURNING *")
        .execute(Tuple.of(silentAfter.toMillis()))
        .map(rows -> {
          List<Rescued> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Rescued(r.getLong("id"), r.getString("kind"), "dead".equals(r.getString("state")),
                Job.from(r)));
          }
          return out;
        });
  }

  /**
   * Inside a handler's transaction: whether this claim still holds the job. Locks the row, so a
   * rescue cannot slip in between this check and the commit.
   */
  Future<Boolean> holds(io.vertx.sqlclient.SqlClient sql, Job job) {
    return sql.preparedQuery("SELECT 1 FROM jobs WHERE id = $1 AND locked_by = $2 AND state = 'running' FOR UPDATE")
        .execute(Tuple.of(job.id(), job.lockToken())).map(r -> r.size() == 1);
  }

  Future<Void> setStep(Job job, String step) {
    return pool.preparedQuery("UPDATE jobs SET step = $3, updated_at = now() WHERE id = $1 AND locked_by = $2")
        .execute(Tuple.of(job.id(), job.lockToken(), step)).mapEmpty();
  }
}

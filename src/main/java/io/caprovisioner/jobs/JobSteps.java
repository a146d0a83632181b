package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Optional;

/** The {@code job_steps} rows of a job: checkpoints and what operators see per step. */
final class JobSteps {
  /** What is recorded of a step before it runs again. */
  record Progress(String state, OffsetDateTime startedAt) {
  }

  private final Pool pool;

  JobSteps(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<Progress>> get(long jobId, String step) {
    return pool.preparedQuery("SELECT state, started_at FROM job_steps WHERE job_id = $1 AND step = $2")
        .execute(Tuple.of(jobId, step))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new Progress(
            rows.iterator().next().getString("state"), rows.iterator().next().getOffsetDateTime("started_at"))));
  }

  /** Marks the step running (one more attempt); returns when its first attempt started. */
  Future<OffsetDateTime> begin(long jobId, String step, int position) {
    return pool.preparedQuery("INSERT INTO job_steps (job_id, step, position, state, attempts, started_at) "
            + "VALUES ($1, $2, $3, 'running', 1, now()) ON CONFLICT (job_id, step) DO UPDATE SET state = 'running', "
            + "attempts = job_steps.attempts + 1, started_at = coalesce(job_steps.started_at, now()), "
            + "updated_at = now() RETURNING started_at")
        .execute(Tuple.of(jobId, step, position))
        .map(rows -> rows.iterator().next().getOffsetDateTime("started_at"));
  }

  Future<Void> finish(long jobId, String step) {
    return update(jobId, step, "done", null, true);
  }

  /** Waiting costs no attempt: the counter shows tries that did work. */
  Future<Void> waiting(long jobId, String step, String reason) {
    return pool.preparedQuery("UPDATE job_steps SET state = 'waiting', last_error = $3, "
            + "attempts = greatest(attempts - 1, 0), updated_at = now() WHERE job_id = $1 AND step = $2")
        .execute(Tuple.of(jobId, step, reason)).mapEmpty();
  }

  Future<Void> failed(long jobId, String step, String error) {
    return update(jobId, step, "failed", error, false);
  }

  private Future<Void> update(long jobId, String step, String state, String error, boolean finished) {
    return pool.preparedQuery("UPDATE job_steps SET state = $3, last_error = $4, updated_at = now(), "
            + "finished_at = CASE WHEN $5 THEN now() ELSE finished_at END WHERE job_id = $1 AND step = $2")
        .execute(Tuple.of(jobId, step, state, error, finished)).mapEmpty();
  }
}

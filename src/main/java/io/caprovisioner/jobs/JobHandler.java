package io.caprovisioner.jobs;

import io.vertx.core.Future;

/**
 * Does the work of one job kind. Must be idempotent: a job may run again after a crash, a lost
 * lease or a retry. A failed Future is retried with backoff until the job is dead.
 */
public interface JobHandler {
  Future<Outcome> run(JobContext ctx);

  /** Called once when the job has used up its attempts (e.g. to mark its tenant failed). */
  default Future<Void> dead(Job job, String lastError) {
    return Future.succeededFuture();
  }
}

package io.caprovisioner.jobs;

import io.vertx.core.Future;

/**
 * Does the work of one job kind. Must be idempotent: a job may run again after a crash, a lost
 * lease or a retry. A failed Future is retried with backoff until the job is dead.
 */
public interface JobHandler {
  Future<Outcome> run(JobContext ctx);

  /**
   * MDC keys the queue puts on its own log lines about this job ({@link JobMdc}), e.g. the tenant;
   * read from the job alone, without I/O.
   */
  default java.util.Map<String, String> logKeys(Job job) {
    return java.util.Map.of();
  }

  /** Called once when the job has used up its attempts (e.g. to mark its tenant failed). */
  default Future<Void> dead(Job job, String lastError) {
    return Future.succeededFuture();
  }
}

package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * What a handler gets for one run of a job: the job, the database, and fenced writes. A handler
 * that lost its lease (paused past it, partitioned) must not write anything more on the job's
 * behalf: {@link #fenced} commits only while this claim still holds the job.
 */
public final class JobContext {
  private final Job job;
  private final Vertx vertx;
  private final Pool pool;
  private final JobStore store;
  private final AtomicBoolean leaseLost = new AtomicBoolean();

  JobContext(Job job, Vertx vertx, Pool pool, JobStore store) {
    this.job = job;
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
  }

  public Job job() {
    return job;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  /** False once another runner may have taken the job over: stop before the next write. */
  public boolean ownsJob() {
    return !leaseLost.get();
  }

  void loseLease() {
    leaseLost.set(true);
  }

  /**
   * Runs {@code work} in a transaction that commits only if this claim still holds the job. The
   * fence is checked last, with the job row locked, so a rescue either happened before (and this
   * transaction rolls back with {@link LeaseLostException}) or waits until it committed.
   */
  public <T> Future<T> fenced(Function<SqlConnection, Future<T>> work) {
    if (!ownsJob()) {
      return Future.failedFuture(new LeaseLostException(job));
    }
    return pool.withTransaction(sql -> work.apply(sql)
        .compose(result -> store.holds(sql, job).compose(holds -> holds ? Future.succeededFuture(result)
            : Future.failedFuture(new LeaseLostException(job)))));
  }

  /** Shows operators what the job is doing now ({@code jobs.step}); fenced by the lock token. */
  public Future<Void> progress(String step) {
    return store.setStep(job, step);
  }
}

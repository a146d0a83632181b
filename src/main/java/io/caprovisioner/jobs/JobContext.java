package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * What a handler gets for one run of a job: the job, the database, and checkpointed steps.
 * A step already done by an earlier run of this job is not run again, so a retry or a rescued
 * job resumes at the step that did not finish.
 */
public final class JobContext {
  private final Job job;
  private final Vertx vertx;
  private final Pool pool;
  private final JobStore store;
  private final JobSteps steps;
  private final AtomicBoolean leaseLost = new AtomicBoolean();

  JobContext(Job job, Vertx vertx, Pool pool, JobStore store, JobSteps steps) {
    this.job = job;
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.steps = steps;
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

  /** False once another runner may have taken the job over: stop before the next step. */
  public boolean ownsJob() {
    return !leaseLost.get();
  }

  void loseLease() {
    leaseLost.set(true);
  }

  /**
   * Runs one step unless an earlier run of this job finished it. {@code action} gets the time its
   * first attempt started (for step timeouts that survive retries).
   */
  public Future<Outcome> step(String name, int position, Function<OffsetDateTime, Future<Outcome>> action) {
    if (!ownsJob()) {
      return Future.failedFuture(new IllegalStateException("lease lost before step " + name));
    }
    return steps.get(job.id(), name).compose(progress -> {
      if (progress.isPresent() && "done".equals(progress.get().state())) {
        return Future.succeededFuture(Outcome.DONE_EARLIER);
      }
      return store.setStep(job, name)
          .compose(v -> steps.begin(job.id(), name, position))
          .compose(started -> {
            Future<Outcome> run;
            try {
              run = action.apply(started);
            } catch (RuntimeException e) {
              run = Future.failedFuture(e);
            }
            return run;
          })
          .transform(ar -> record(name, ar.succeeded() ? ar.result() : null, ar.cause()));
    });
  }

  private Future<Outcome> record(String name, Outcome outcome, Throwable failure) {
    if (failure != null) {
      return steps.failed(job.id(), name, Errors.message(failure)).transform(v -> Future.failedFuture(failure));
    }
    Future<Void> saved = outcome instanceof Outcome.Wait w ? steps.waiting(job.id(), name, w.reason())
        : steps.finish(job.id(), name);
    return saved.map(outcome);
  }
}

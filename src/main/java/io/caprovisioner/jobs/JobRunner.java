package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * One replica's queue runner: the dispatcher and its wake-up, with the handlers the composition
 * root registers before {@link #start}. Knows no job kind of its own.
 */
public final class JobRunner {
  private final JobDispatcher dispatcher;
  private final JobWakeup wakeup;
  private final RunnerHeartbeat heartbeat;

  public JobRunner(Vertx vertx, Pool pool, RunnerOptions options) {
    this(vertx, pool, options, ForegroundLoad.NONE);
  }

  /** @param foreground the acknowledgement path's load, which this runner's work yields to */
  public JobRunner(Vertx vertx, Pool pool, RunnerOptions options, ForegroundLoad foreground) {
    this.dispatcher = new JobDispatcher(vertx, pool, options, foreground);
    this.wakeup = new JobWakeup(vertx, pool, dispatcher, options.poll());
    this.heartbeat = new RunnerHeartbeat(vertx, pool, dispatcher, options);
  }

  /** Jobs of {@code kind} go to {@code handler}, in the shared slots ({@code workers}). */
  public JobRunner register(String kind, JobHandler handler) {
    dispatcher.register(kind, handler);
    return this;
  }

  /** Jobs of {@code kind} go to {@code handler}, in {@code slots} slots of their own. */
  public JobRunner register(String kind, JobHandler handler, int slots) {
    dispatcher.register(kind, handler, slots);
    return this;
  }

  /** Waiting jobs look again at once: the configuration they waited for may have come with this start. */
  public Future<Void> start() {
    return dispatcher.wakeWaiting().recover(e -> Future.succeededFuture(0)).compose(n -> heartbeat.start())
        .compose(v -> wakeup.start());
  }

  /**
   * For SIGTERM: no new claims; in-flight jobs get the grace period to finish, the rest are given
   * back to the queue at once (no attempt counted) for another replica. The heartbeat goes on
   * until then: a draining runner is alive.
   */
  public Future<Void> stop() {
    return wakeup.stop().compose(v -> dispatcher.stop()).compose(v -> heartbeat.stop());
  }
}

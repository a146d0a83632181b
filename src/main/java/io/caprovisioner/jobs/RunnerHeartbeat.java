package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code job_runners} table: this runner's heartbeat, and on each beat a look for runners that
 * went silent. A lease alone frees a killed runner's jobs only when it expires (a minute); a
 * heartbeat every second frees them within {@link RunnerOptions#silentAfter} plus one beat.
 * A paused runner that resumes cannot write for the jobs it lost: their lock tokens changed.
 */
final class RunnerHeartbeat {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerHeartbeat.class);
  /** Rows of runners silent this long hold nothing any more (their jobs were released long ago). */
  private static final Duration FORGET_AFTER = Duration.ofHours(1);
  private final Vertx vertx;
  private final Pool pool;
  private final JobDispatcher dispatcher;
  private final RunnerOptions options;
  private final AtomicBoolean beating = new AtomicBoolean();
  private volatile boolean stopped;
  private long timer = -1;

  RunnerHeartbeat(Vertx vertx, Pool pool, JobDispatcher dispatcher, RunnerOptions options) {
    this.vertx = vertx;
    this.pool = pool;
    this.dispatcher = dispatcher;
    this.options = options;
  }

  /** Beats once before the first claim, so no other runner takes this one for dead meanwhile. */
  Future<Void> start() {
    return beat().recover(e -> {
      LOG.warn("job runner heartbeat failed: {}", Errors.message(e));
      return Future.succeededFuture();
    }).onComplete(ar -> {
      if (!stopped) {
        timer = vertx.setPeriodic(Math.max(1, options.heartbeat().toMillis()), id -> tick());
      }
    });
  }

  private void tick() {
    // a beat still waiting for a connection must not pile up behind itself
    if (stopped || !beating.compareAndSet(false, true)) {
      return;
    }
    beat().compose(v -> dispatcher.rescueExpiredLeases())
        .onFailure(e -> LOG.warn("job runner heartbeat failed: {}", Errors.message(e)))
        .onComplete(ar -> beating.set(false));
  }

  private Future<Void> beat() {
    return pool.preparedQuery("INSERT INTO job_runners (runner_id) VALUES ($1) "
            + "ON CONFLICT (runner_id) DO UPDATE SET heartbeat_at = now()")
        .execute(Tuple.of(options.runnerId()))
        .compose(r -> pool.preparedQuery("DELETE FROM job_runners WHERE heartbeat_at < now() - "
            + "($1::bigint * interval '1 millisecond')").execute(Tuple.of(FORGET_AFTER.toMillis())))
        .mapEmpty();
  }

  /** A runner that stops cleanly says so: nothing of it is left to rescue. */
  Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return pool.preparedQuery("DELETE FROM job_runners WHERE runner_id = $1").execute(Tuple.of(options.runnerId()))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }
}

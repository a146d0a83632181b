package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the dispatcher: at once on {@code NOTIFY} (channel {@link JobQueue#CHANNEL}, sent by
 * {@link JobQueue#enqueue} at commit), and on a slow poll as a safety net for lost notifications,
 * a dropped LISTEN connection, jobs whose backoff ended, and expired leases.
 */
final class JobWakeup {
  private static final Logger LOG = LoggerFactory.getLogger(JobWakeup.class);
  private final Vertx vertx;
  private final Pool pool;
  private final JobDispatcher dispatcher;
  private final Duration poll;
  private volatile boolean stopped;
  private volatile SqlConnection listening;
  private long pollTimer = -1;

  JobWakeup(Vertx vertx, Pool pool, JobDispatcher dispatcher, Duration poll) {
    this.vertx = vertx;
    this.pool = pool;
    this.dispatcher = dispatcher;
    this.poll = poll;
  }

  Future<Void> start() {
    pollTimer = vertx.setPeriodic(poll.toMillis(), id -> tick());
    return listen().recover(e -> {
      // the poll still works; LISTEN is retried from the close handler's path on the next tick
      LOG.warn("LISTEN {} failed, relying on the poll: {}", JobQueue.CHANNEL, Errors.message(e));
      return Future.succeededFuture();
    }).onComplete(ar -> tick());
  }

  private void tick() {
    if (stopped) {
      return;
    }
    if (listening == null) {
      listen();
    }
    dispatcher.rescueExpiredLeases()
        .onFailure(e -> LOG.warn("rescuing expired leases failed: {}", Errors.message(e)))
        .onComplete(ar -> dispatcher.wake());
  }

  /** A connection of its own, held outside the pool's rotation for as long as we listen. */
  private Future<Void> listen() {
    return pool.getConnection().compose(conn -> {
      PgConnection pg = PgConnection.cast(conn);
      pg.notificationHandler(n -> dispatcher.wake());
      conn.closeHandler(v -> {
        listening = null;
        if (!stopped) {
          LOG.info("LISTEN connection closed; the poll takes over until it is back");
        }
      });
      return conn.query("LISTEN " + JobQueue.CHANNEL).execute()
          .onSuccess(r -> listening = conn)
          .onFailure(e -> conn.close())
          .mapEmpty();
    });
  }

  Future<Void> stop() {
    stopped = true;
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    SqlConnection conn = listening;
    listening = null;
    return conn == null ? Future.succeededFuture() : conn.close().recover(e -> Future.succeededFuture());
  }
}

package io.caprovisioner.stripe;

import io.caprovisioner.jobs.ForegroundLoad;
import io.caprovisioner.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues the {@code stripe.apply} job of each received event, after the webhook has answered: the
 * acknowledgement is one insert, and the jobs are queued here in batches, in their own
 * transaction on the background pool. Woken by every stored event of this replica, and by a poll
 * for events another replica stored (an API-only one) or whose wake-up a crash lost. Retries,
 * backoff and the failed/deferred states stay those of the job and the applier.
 */
public final class StripeEventRelay {
  /** Events queued in one transaction: a burst costs one commit per this many. */
  static final int BATCH = 500;
  /**
   * While the webhooks are busy: one small pass a second. The runner then applies a few events a
   * second anyway, and every event queued meanwhile is two more writes competing with the
   * acknowledgements for the same disk and cores; the burst's backlog is queued right after it.
   */
  static final Duration BUSY_SPACING = Duration.ofMillis(1000);
  static final int BUSY_BATCH = 50;
  private static final Logger LOG = LoggerFactory.getLogger(StripeEventRelay.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Duration poll;
  private final ForegroundLoad foreground;
  private final StripeEventStore events = new StripeEventStore();
  private final JobQueue jobs = new JobQueue();
  private final AtomicBoolean passRunning = new AtomicBoolean();
  private final AtomicBoolean wanted = new AtomicBoolean();
  private volatile boolean stopped = true;
  private volatile boolean failing;
  private long pollTimer = -1;
  /** An event loop of the relay's own, so its passes never run on the loop of the request that woke it. */
  private io.vertx.core.Context context;

  public StripeEventRelay(Vertx vertx, Pool pool, Duration poll) {
    this(vertx, pool, poll, ForegroundLoad.NONE);
  }

  /** @param foreground while it is busy, passes are spaced: fewer, larger transactions */
  public StripeEventRelay(Vertx vertx, Pool pool, Duration poll, ForegroundLoad foreground) {
    this.vertx = vertx;
    this.pool = pool;
    this.poll = poll;
    this.foreground = foreground;
  }

  /** Starts the poll and relays what was left unqueued (a crash between answer and relay). */
  public void start() {
    context = vertx.getOrCreateContext();
    // after the context: a webhook's wake-up on another thread sees both (stopped is volatile)
    stopped = false;
    pollTimer = vertx.setPeriodic(poll.toMillis(), id -> wake());
    wake();
  }

  public void stop() {
    stopped = true;
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
  }

  /**
   * Asks for a pass soon; cheap and safe from any thread. Wake-ups during a pass make one more
   * pass after it, so a burst of events is queued in a few transactions, not one each.
   */
  public void wake() {
    if (stopped) {
      return;
    }
    wanted.set(true);
    if (passRunning.compareAndSet(false, true)) {
      context.runOnContext(v -> pass());
    }
  }

  private void pass() {
    wanted.set(false);
    int limit = foreground.busy() ? BUSY_BATCH : BATCH;
    relayBatch(limit).onComplete(ar -> {
      boolean more = ar.succeeded() && ar.result() == limit;
      if (ar.failed() && !failing) {
        // once per outage, not once per poll: the poll goes on trying
        LOG.warn("queueing received Stripe events failed, trying again on the next wake-up: {}",
            ar.cause().getMessage());
      } else if (ar.succeeded() && failing) {
        LOG.info("queueing received Stripe events works again");
      }
      failing = ar.failed();
      passRunning.set(false);
      if (!stopped && ar.succeeded() && (more || wanted.get()) && passRunning.compareAndSet(false, true)) {
        if (foreground.busy()) {
          vertx.setTimer(BUSY_SPACING.toMillis(), t -> pass());
        } else {
          pass();
        }
      }
    });
  }

  /** One transaction: up to {@link #BATCH} received events get their job. Returns how many. */
  public Future<Integer> relayBatch() {
    return relayBatch(BATCH);
  }

  private Future<Integer> relayBatch(int limit) {
    return pool.withTransaction(sql -> events.markQueued(sql, limit).compose(ids -> jobs.enqueueAll(sql,
        StripeWebhookHandler.APPLY_JOB, ids.stream().map(id -> new JsonObject().put("event_id", id)).toList(),
        ids.stream().map(id -> StripeWebhookHandler.APPLY_JOB + ":" + id).toList()).map(ids.size())));
  }

  /** Relays until nothing is left unqueued (tests, and a runner that starts with a backlog). */
  public Future<Integer> relayAll() {
    return relayBatch().compose(n -> n < BATCH ? Future.succeededFuture(n) : relayAll().map(m -> n + m));
  }
}

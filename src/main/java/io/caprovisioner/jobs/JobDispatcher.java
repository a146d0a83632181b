package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue engine: claims due jobs while a lane has free slots, runs each with the handler
 * registered for its kind, renews its lease while it runs, and settles it (done, waiting, retry
 * with backoff, dead). Nothing here blocks: handlers return Futures and run blocking clients on
 * worker executors themselves.
 *
 * <p>Kinds share the {@code workers} slots unless registered with slots of their own (a lane): a
 * kind in its own lane never waits behind the shared lane's jobs, however long those hang.
 *
 * <p>While the acknowledgement path is busy ({@link ForegroundLoad}) each lane yields: one job at
 * a time, and after each a pause {@link #PACE} times as long as it took, so background work takes
 * at most a share of the machine that a burst of webhooks can spare; full speed resumes within a
 * quarter second of the burst's end. Every lane keeps its one slot: a Stripe event is still
 * applied while a reconcile waits on a hung cluster.
 */
public final class JobDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);

  /** While the foreground is busy, a lane rests this many times as long as its last job took. */
  static final int PACE = 19;
  private static final long MAX_PAUSE_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long RECHECK_MILLIS = ForegroundLoad.WINDOW.toMillis();

  private final Vertx vertx;
  private final Pool pool;
  private final RunnerOptions options;
  private final ForegroundLoad foreground;
  private final JobStore store;
  private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();
  private final Map<Long, Running> running = new ConcurrentHashMap<>();
  private final Lane shared;
  private final List<Lane> lanes = new CopyOnWriteArrayList<>();
  private final Map<String, Lane> laneOfKind = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private volatile Promise<Void> drained;

  private record Running(Job job, JobContext ctx, long renewTimer) {
  }

  /** Slots and the kinds that use them; claims of one lane never take another's slots. */
  private static final class Lane {
    final int slots;
    final Set<String> kinds = ConcurrentHashMap.newKeySet();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicBoolean claiming = new AtomicBoolean();
    final AtomicBoolean wakeAgain = new AtomicBoolean();
    final AtomicBoolean recheckPending = new AtomicBoolean();
    /** {@link System#nanoTime} before which a yielding lane claims nothing. */
    volatile long restUntil;

    Lane(int slots) {
      this.slots = slots;
      this.restUntil = System.nanoTime();
    }
  }

  public JobDispatcher(Vertx vertx, Pool pool, RunnerOptions options) {
    this(vertx, pool, options, ForegroundLoad.NONE);
  }

  /** @param foreground the load of the acknowledgement path this runner yields to */
  public JobDispatcher(Vertx vertx, Pool pool, RunnerOptions options, ForegroundLoad foreground) {
    this.vertx = vertx;
    this.pool = pool;
    this.options = options;
    this.foreground = foreground;
    this.store = new JobStore(pool);
    this.shared = new Lane(options.workers());
    lanes.add(shared);
  }

  /**
   * Jobs of {@code kind} are run by {@code handler} in the shared slots ({@code workers}); kinds
   * without a handler are left to other runners.
   */
  public JobDispatcher register(String kind, JobHandler handler) {
    return register(kind, handler, shared);
  }

  /** Jobs of {@code kind} run in {@code slots} slots of their own, beside the shared ones. */
  public JobDispatcher register(String kind, JobHandler handler, int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException(kind + ": a lane needs at least one slot, not " + slots);
    }
    Lane lane = new Lane(slots);
    lanes.add(lane);
    return register(kind, handler, lane);
  }

  private JobDispatcher register(String kind, JobHandler handler, Lane lane) {
    Lane before = laneOfKind.put(kind, lane);
    if (before != null) {
      before.kinds.remove(kind);
    }
    lane.kinds.add(kind);
    handlers.put(kind, handler);
    return this;
  }

  public int inFlight() {
    return lanes.stream().mapToInt(l -> l.inFlight.get()).sum();
  }

  /** Claims as many due jobs as there are free slots. Safe to call any time, from anywhere. */
  public void wake() {
    if (stopping || handlers.isEmpty()) {
      return;
    }
    for (Lane lane : lanes) {
      wake(lane);
    }
  }

  private void wake(Lane lane) {
    if (stopping || lane.kinds.isEmpty()) {
      return;
    }
    if (!lane.claiming.compareAndSet(false, true)) {
      lane.wakeAgain.set(true);
      return;
    }
    claimNext(lane);
  }

  private void claimNext(Lane lane) {
    if (stopping || lane.inFlight.get() >= lane.slots) {
      lane.claiming.set(false);
      return;
    }
    if (yielding(lane)) {
      lane.claiming.set(false);
      recheckLater(lane);
      return;
    }
    lane.wakeAgain.set(false);
    store.claim(options.runnerId(), options.lease(), List.copyOf(lane.kinds)).onComplete(ar -> {
      if (ar.succeeded() && ar.result().isPresent()) {
        start(ar.result().get(), lane);
        claimNext(lane);
        return;
      }
      lane.claiming.set(false);
      if (ar.failed()) {
        if (ar.cause() instanceof PgException pg && "23505".equals(pg.getSqlState())) {
          // another runner claimed a job of the same tenant in the same instant: look again
          wake(lane);
        } else {
          LOG.warn("claiming a job failed: {}", Errors.message(ar.cause()));
        }
      } else if (lane.wakeAgain.getAndSet(false)) {
        wake(lane);
      }
    });
  }

  private boolean yielding(Lane lane) {
    return (lane.inFlight.get() > 0 || System.nanoTime() - lane.restUntil < 0) && foreground.busy();
  }

  /** A yielding lane looks again once its rest is over or the burst may have ended. */
  private void recheckLater(Lane lane) {
    if (!lane.recheckPending.compareAndSet(false, true)) {
      return;
    }
    long rest = (lane.restUntil - System.nanoTime()) / 1_000_000;
    vertx.setTimer(Math.max(1, Math.min(RECHECK_MILLIS, Math.max(rest, 10))), t -> {
      lane.recheckPending.set(false);
      wake(lane);
    });
  }

  private void start(Job job, Lane lane) {
    long startedAt = System.nanoTime();
    lane.inFlight.incrementAndGet();
    JobContext ctx = new JobContext(job, vertx, pool, store);
    long renewEvery = Math.max(1, options.lease().toMillis() / 3);
    long timer = vertx.setPeriodic(renewEvery, id -> store.renew(job, options.lease()).onComplete(ar -> {
      if (ar.succeeded() && !ar.result()) {
        try (JobMdc mdc = JobMdc.of(job, handlers.get(job.kind()))) {
          LOG.warn("job {} ({}): lease lost; another runner may take it over", job.id(), job.kind());
        }
        ctx.loseLease();
      }
    }));
    running.put(job.id(), new Running(job, ctx, timer));
    try (JobMdc mdc = JobMdc.of(job, handlers.get(job.kind()))) {
      LOG.debug("job {} ({}) attempt {} started", job.id(), job.kind(), job.attempts());
    }
    Future<Outcome> run;
    try {
      run = handlers.get(job.kind()).run(ctx);
    } catch (RuntimeException e) {
      run = Future.failedFuture(e);
    }
    run.transform(ar -> settle(job, ar.succeeded() ? ar.result() : null, ar.cause()))
        .onComplete(ar -> {
          if (ar.failed()) {
            try (JobMdc mdc = JobMdc.of(job, handlers.get(job.kind()))) {
              LOG.warn("job {} ({}): could not record its result: {}", job.id(), job.kind(), Errors.message(ar.cause()));
            }
          }
          Running r = running.remove(job.id());
          if (r != null) {
            vertx.cancelTimer(r.renewTimer());
          }
          long now = System.nanoTime();
          if (foreground.busy()) {
            lane.restUntil = now + Math.min(MAX_PAUSE_NANOS, (now - startedAt) * PACE);
          }
          lane.inFlight.decrementAndGet();
          if (stopping) {
            checkDrained();
          } else {
            wake();
          }
        });
  }

  private Future<Void> settle(Job job, Outcome outcome, Throwable failure) {
    if (!running.containsKey(job.id())) {
      return Future.succeededFuture(); // released at shutdown: its result is no longer ours to record
    }
    if (failure != null) {
      String error = Errors.message(failure);
      Duration delay = options.backoff().after(job.attempts());
      return store.fail(job, error, delay).compose(dead -> {
        if (dead) {
          try (JobMdc mdc = JobMdc.of(job, handlers.get(job.kind()))) {
            LOG.warn("job {} ({}) is dead after {} attempts: {}", job.id(), job.kind(), job.attempts(), error);
          }
          return handlers.get(job.kind()).dead(job, error);
        }
        try (JobMdc mdc = JobMdc.of(job, handlers.get(job.kind()))) {
          LOG.info("job {} ({}) attempt {} failed, retry in {}s: {}", job.id(), job.kind(), job.attempts(),
              delay.toSeconds(), error);
        }
        vertx.setTimer(Math.max(1, delay.toMillis()), t -> wake());
        return Future.succeededFuture();
      });
    }
    if (outcome instanceof Outcome.Wait w && w.parkedOn().isPresent()) {
      // no timer of its own: a wake, a new request, or the poll once its safety net is due
      return store.park(job, w).mapEmpty();
    }
    if (outcome instanceof Outcome.Wait w) {
      vertx.setTimer(Math.max(1, w.retryIn().toMillis()), t -> wake());
      return store.requeue(job, w).mapEmpty();
    }
    return store.complete(job).mapEmpty();
  }

  /** See {@link JobStore#wakeWaiting}. */
  Future<Integer> wakeWaiting() {
    return store.wakeWaiting();
  }

  /**
   * Re-queues jobs whose holder died (lease expired, or its runner's heartbeat silent); marks them
   * dead when that was their last attempt.
   */
  public Future<Void> rescueExpiredLeases() {
    return store.rescueExpired(options.silentAfter()).compose(rescued -> {
      Future<Void> all = Future.succeededFuture();
      for (JobStore.Rescued r : rescued) {
        try (JobMdc mdc = JobMdc.of(r.job(), handlers.get(r.job().kind()))) {
          LOG.warn("job {} ({}) rescued from a dead holder{}", r.id(), r.kind(), r.dead() ? ": dead" : "");
        }
        JobHandler h = handlers.get(r.kind());
        if (r.dead() && h != null) {
          all = all.compose(v -> h.dead(r.job(), "lease expired on the last attempt"));
        }
      }
      if (!rescued.isEmpty()) {
        wake();
      }
      return all;
    });
  }

  /**
   * Stops claiming; lets in-flight jobs finish within the grace period, then gives the rest back
   * to the queue (attempt not counted) so another replica takes them at once.
   */
  public Future<Void> stop() {
    stopping = true;
    Promise<Void> done = Promise.promise();
    drained = done;
    checkDrained();
    long timer = vertx.setTimer(Math.max(1, options.stopGrace().toMillis()), t -> releaseAll());
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private void checkDrained() {
    Promise<Void> p = drained;
    if (p != null && inFlight() == 0) {
      p.tryComplete();
    }
  }

  private void releaseAll() {
    Future<Void> all = Future.succeededFuture();
    for (Running r : List.copyOf(running.values())) {
      running.remove(r.job().id());
      vertx.cancelTimer(r.renewTimer());
      r.ctx().loseLease();
      all = all.compose(v -> store.release(r.job()).mapEmpty());
      try (JobMdc mdc = JobMdc.of(r.job(), handlers.get(r.job().kind()))) {
        LOG.info("job {} ({}) released at shutdown", r.job().id(), r.job().kind());
      }
    }
    all.onComplete(ar -> {
      Promise<Void> p = drained;
      if (p != null) {
        p.tryComplete();
      }
    });
  }
}

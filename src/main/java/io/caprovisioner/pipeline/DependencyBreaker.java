package io.caprovisioner.pipeline;

import io.caprovisioner.jobs.Errors;
import io.caprovisioner.jobs.JobQueue;
import io.caprovisioner.jobs.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dependency's circuit breaker in this replica. Closed: steps call the dependency. Opened by
 * the first step that finds it unreachable: from then on steps needing it park their tenant at
 * once, without calling it, and a single probe (not one per tenant) checks it with backoff; when
 * the probe gets an answer the breaker closes and every job parked on it, by any replica, is woken
 * ({@link JobQueue#wakeParked}). Not configured is a breaker that stays open without probing: only
 * a restart with new configuration (which wakes every waiting job) can change that.
 */
public final class DependencyBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(DependencyBreaker.class);

  /** Whether steps may call the dependency. */
  public enum State {
    CLOSED, OPEN, UNCONFIGURED
  }

  private final Dependency dependency;
  private final Vertx vertx;
  private final Pool pool;
  private final Supplier<Future<Void>> probe;
  private final DependencyBreakers.Timing timing;
  private final JobQueue queue = new JobQueue();
  private State state = State.CLOSED;
  private String reason;
  private Duration nextProbe;
  private long timer = -1;
  private boolean closedForGood;

  /**
   * @param probe succeeds when the dependency answers (an error it answers with counts as an
   *     answer), fails when it still cannot be reached
   */
  DependencyBreaker(Dependency dependency, Vertx vertx, Pool pool, Supplier<Future<Void>> probe,
      DependencyBreakers.Timing timing) {
    this.dependency = dependency;
    this.vertx = vertx;
    this.pool = pool;
    this.probe = probe;
    this.timing = timing;
  }

  public Dependency dependency() {
    return dependency;
  }

  public synchronized State state() {
    return state;
  }

  /** Present while the dependency is known to be down: why, as steps then report it without calling it. */
  public synchronized Optional<String> downReason() {
    return state == State.CLOSED ? Optional.empty() : Optional.of(reason);
  }

  /**
   * A step could not reach the dependency: the breaker opens (the first such report starts the
   * probe; the reason shown stays the one it opened with, so a tenant's log gets one line for it).
   * Returns the parked outcome to report.
   */
  public Outcome unreachable(String why) {
    boolean opened;
    String shown;
    synchronized (this) {
      opened = state == State.CLOSED;
      if (opened) {
        state = State.OPEN;
        reason = why;
        nextProbe = timing.firstProbe();
        schedule();
      }
      shown = reason;
    }
    if (opened) {
      LOG.warn("{} is unreachable ({}): tenants needing it wait without calling it; one probe checks it, "
          + "first in {} ms", dependency.title(), why, timing.firstProbe().toMillis());
    }
    return park(shown);
  }

  /** The dependency is not configured: open until a restart brings the configuration. */
  public Outcome unconfigured(String why) {
    synchronized (this) {
      if (state != State.UNCONFIGURED) {
        state = State.UNCONFIGURED;
        reason = why;
        cancel();
      }
    }
    return park(why);
  }

  /** A step's outcome while the breaker is open: parked on this dependency, with {@code why} (its {@link #downReason}). */
  public Outcome park(String why) {
    return Outcome.parkOn(why, dependency.wire(), timing.safetyNet());
  }

  /** Stops probing (service shutdown). */
  public synchronized void close() {
    closedForGood = true;
    cancel();
  }

  private void schedule() {
    if (closedForGood) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, nextProbe.toMillis()), t -> probeOnce());
  }

  private void cancel() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void probeOnce() {
    Future<Void> check;
    try {
      check = probe.get();
    } catch (RuntimeException e) {
      check = Future.failedFuture(e);
    }
    check.onComplete(ar -> {
      synchronized (this) {
        timer = -1;
        if (state != State.OPEN || closedForGood) {
          return;
        }
        if (ar.failed()) {
          LOG.debug("{} still unreachable: {}", dependency.title(), Errors.message(ar.cause()));
          nextProbe = min(nextProbe.multipliedBy(2), timing.maxProbe());
          schedule();
          return;
        }
        // closed before the wake: a step that still saw it open was claimed before the wake is
        // recorded, so its parking sees the wake (JobStore.park) or is seen by it
        state = State.CLOSED;
        reason = null;
      }
      LOG.info("{} answers again: waking the jobs parked on it", dependency.title());
      wakeParked(timing.firstProbe());
    });
  }

  /** Wakes the parked jobs; PostgreSQL down: again, with backoff, until it is done. */
  private void wakeParked(Duration retry) {
    queue.wakeParked(pool, dependency.wire()).onComplete(ar -> {
      if (ar.succeeded()) {
        LOG.info("woke {} job(s) parked on {}", ar.result(), dependency.title());
        return;
      }
      LOG.warn("waking the jobs parked on {} failed, trying again in {} ms: {}", dependency.title(),
          retry.toMillis(), Errors.message(ar.cause()));
      synchronized (this) {
        if (!closedForGood) {
          vertx.setTimer(Math.max(1, retry.toMillis()), t -> wakeParked(min(retry.multipliedBy(2), timing.maxProbe())));
        }
      }
    });
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}

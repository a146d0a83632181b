package io.caprovisioner.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How a step (or a whole job) ended, when it did not fail. A failure is a failed Future: it costs
 * an attempt and is retried with backoff. Waiting is not a failure: the job goes back to the queue
 * at no cost, and the reason is shown to operators.
 */
public sealed interface Outcome {
  /** The step did its work (or found it already done); the pipeline goes on. */
  record Done(String message) implements Outcome {
  }

  /** A step an earlier run of the same job finished: not run again, not logged again. */
  Done DONE_EARLIER = new Done(null);

  /** The job has nothing (more) to do, e.g. a later request superseded it; it ends as done. */
  record Stop(String message) implements Outcome {
  }

  /**
   * Cannot run yet (not configured, unreachable, still converging): try again after
   * {@code retryIn}. {@code blocksTenant} false: the tenant's later jobs may run meanwhile.
   * {@code parkedOn}: the job is parked on that dependency, not re-run on a timer: woken when the
   * dependency answers again ({@link JobQueue#wakeParked}), and {@code retryIn} is only a safety net.
   */
  record Wait(String reason, Duration retryIn, boolean blocksTenant, Optional<String> parkedOn) implements Outcome {
    public Wait(String reason, Duration retryIn, boolean blocksTenant) {
      this(reason, retryIn, blocksTenant, Optional.empty());
    }
  }

  static Outcome done(String message) {
    return new Done(message);
  }

  static Outcome stop(String message) {
    return new Stop(message);
  }

  static Outcome waitFor(String reason, Duration retryIn) {
    return new Wait(reason, retryIn, true);
  }

  /**
   * Wait until {@code dependency} answers again: the job is parked and woken by the dependency's
   * recovery, a new request or a restart; {@code safetyNet} is how long it sleeps if no wake comes.
   */
  static Outcome parkOn(String reason, String dependency, Duration safetyNet) {
    return new Wait(reason, safetyNet, true, Optional.of(dependency));
  }

  /** Wait for a date without holding back the tenant's later jobs. */
  static Outcome parkUntil(String reason, Instant until) {
    Duration d = Duration.between(Instant.now(), until);
    return new Wait(reason, d.isNegative() ? Duration.ZERO : d, false);
  }
}

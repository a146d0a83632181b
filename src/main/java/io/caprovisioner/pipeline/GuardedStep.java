package io.caprovisioner.pipeline;

import io.caprovisioner.jobs.Errors;
import io.caprovisioner.jobs.Outcome;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A base for steps that need a dependency which may be missing here: not configured, or not
 * reachable. Either is a wait that names the reason (no attempt spent, never a skip); only a
 * dependency that answered with an error is a failure.
 */
public abstract class GuardedStep implements TenantStep {
  private final Duration retry;

  protected GuardedStep(Duration retry) {
    this.retry = retry;
  }

  /** The dependency is not configured: wait, saying what is missing. */
  protected final Future<Outcome> notConfigured(String why) {
    return Future.succeededFuture(Outcome.waitFor(why, retry));
  }

  /**
   * {@code work}, except that a failure {@code unreachable} recognises becomes a wait:
   * "{@code where} is unreachable: {@code cause}".
   */
  protected final Future<Outcome> unlessUnreachable(Future<Outcome> work, Predicate<Throwable> unreachable,
      Supplier<String> where) {
    return work.recover(e -> unreachable.test(e)
        ? Future.succeededFuture(Outcome.waitFor(where.get() + " is unreachable: " + Errors.message(e), retry))
        : Future.failedFuture(e));
  }
}

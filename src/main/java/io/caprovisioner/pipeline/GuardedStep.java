package io.caprovisioner.pipeline;

import io.caprovisioner.jobs.Errors;
import io.caprovisioner.jobs.Outcome;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A base for steps that need a dependency which may be missing here: not configured, or not
 * reachable. Either parks the tenant on the dependency's breaker with the reason (no attempt
 * spent, never a skip, no re-run on a timer); while the breaker is open the dependency is not
 * called at all. Only a dependency that answered with an error is a failure.
 */
public abstract class GuardedStep implements TenantStep {
  private final DependencyBreaker breaker;

  protected GuardedStep(DependencyBreaker breaker) {
    this.breaker = breaker;
  }

  /** The dependency is not configured: park, saying what is missing. */
  protected final Future<Outcome> notConfigured(String why) {
    return Future.succeededFuture(breaker.unconfigured(why));
  }

  /**
   * {@code work}, unless the breaker is open (then park without calling); a failure
   * {@code unreachable} recognises opens the breaker and parks: "{@code where} is unreachable:
   * {@code cause}".
   */
  protected final Future<Outcome> unlessUnreachable(Supplier<Future<Outcome>> work, Predicate<Throwable> unreachable,
      Supplier<String> where) {
    Optional<String> down = breaker.downReason();
    if (down.isPresent()) {
      return Future.succeededFuture(breaker.park(down.get()));
    }
    Future<Outcome> started;
    try {
      started = work.get();
    } catch (RuntimeException e) {
      started = Future.failedFuture(e);
    }
    return started.recover(e -> unreachable.test(e)
        ? Future.succeededFuture(breaker.unreachable(where.get() + " is unreachable: " + Errors.message(e)))
        : Future.failedFuture(e));
  }
}

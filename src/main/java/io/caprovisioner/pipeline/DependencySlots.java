package io.caprovisioner.pipeline;

import io.caprovisioner.jobs.Outcome;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of a runner's reconciles may be inside a cluster or MySQL step at once. A git commit is
 * a step of the same {@code tenant.reconcile} job, so a Kubernetes API that accepts and never
 * answers could otherwise hold every reconcile slot while other tenants' commits queue behind it.
 * The slots left over stay for git work: a reconcile that finds these slots taken waits (no
 * attempt spent, its job slot freed at once) and looks again after {@code retry}.
 */
public final class DependencySlots {
  private final int slots;
  private final Duration retry;
  private final AtomicInteger taken = new AtomicInteger();

  private DependencySlots(int slots, Duration retry) {
    this.slots = slots;
    this.retry = retry;
  }

  /**
   * For a runner with {@code workers} reconcile slots: a quarter of them (at least one) never goes
   * to cluster or MySQL calls. With one worker nothing can be kept back: that one slot may hang.
   */
  public static DependencySlots forWorkers(int workers, Duration retry) {
    int keptForGit = Math.max(1, workers / 4);
    return new DependencySlots(Math.max(1, workers - keptForGit), retry);
  }

  /** No cap: for runners whose dependencies are all local (tests, tools). */
  public static DependencySlots unbounded() {
    return new DependencySlots(Integer.MAX_VALUE, Duration.ZERO);
  }

  public int slots() {
    return slots;
  }

  /** {@code step}, run only while one of these slots is free, and holding it until the step ends. */
  public TenantStep around(TenantStep step) {
    return new TenantStep() {
      @Override
      public String name() {
        return step.name();
      }

      @Override
      public String target(ReconcileContext ctx) {
        return step.target(ctx);
      }

      @Override
      public List<String> undoes() {
        return step.undoes();
      }

      @Override
      public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
        if (taken.incrementAndGet() > slots) {
          taken.decrementAndGet();
          return Future.succeededFuture(Outcome.waitFor("all " + slots + " slots for cluster and MySQL calls are "
              + "busy (a dependency may be hanging); git work goes on meanwhile", retry));
        }
        Future<Outcome> run;
        try {
          run = step.run(ctx, startedAt);
        } catch (RuntimeException e) {
          run = Future.failedFuture(e);
        }
        return run.andThen(ar -> taken.decrementAndGet());
      }
    };
  }
}

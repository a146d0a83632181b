package io.caprovisioner.pipeline;

import io.caprovisioner.jobs.Outcome;
import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One idempotent step of a tenant's reconcile: look at what exists, then create, change or leave
 * it. Returns {@link Outcome#waitFor} when it cannot run here yet (never skip), a failed Future
 * ({@link StepFailure} or any exception) when it tried and failed.
 */
public interface TenantStep {
  String name();

  /**
   * What the desired state asks of this step now, as a key (a spec hash, a name). The reconciler
   * runs the step only when this differs from what it last achieved. Default: once.
   */
  default String target(ReconcileContext ctx) {
    return "done";
  }

  /**
   * Nothing is asked of this step now (no backup or restore requested): the reconcile passes over
   * it without a record, so a tenant's steps show only what was asked of it. Default: never idle.
   */
  default boolean idle(ReconcileContext ctx) {
    return false;
  }

  /** Steps whose effect this one removes (a dropped database undoes its creation): they run again when needed. */
  default List<String> undoes() {
    return List.of();
  }

  /**
   * @param startedAt when the first try towards the current target began (for timeouts), as
   *     the database recorded it, translated to this replica's clock: compare it with
   *     {@code OffsetDateTime.now()}
   */
  Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt);
}

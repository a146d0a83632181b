package io.caprovisioner.rollout;

import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.tenant.IntentKind;

/**
 * A rollout's step in a tenant's reconcile, with the one rule for its target: once per rollout
 * for its upgrade, once more after a rollback of it. A tenant in no rollout passes it over.
 */
interface RolloutStep extends TenantStep {
  @Override
  default boolean idle(ReconcileContext ctx) {
    return ctx.tenant().rolloutId().isEmpty();
  }

  @Override
  default String target(ReconcileContext ctx) {
    return "rollout " + ctx.tenant().rolloutId().orElseThrow() + (isRollback(ctx) ? " rollback" : " upgrade");
  }

  static boolean isRollback(ReconcileContext ctx) {
    return ctx.tenant().intent().map(i -> i.kind() == IntentKind.ROLLBACK).orElse(false);
  }
}

package io.caprovisioner.rollout;

import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.tenant.IntentKind;

/**
 * The one rule for the target of a rollout's steps in a tenant's reconcile: once per rollout for
 * its upgrade, once more after a rollback of it. A tenant in no rollout has none of these steps.
 */
final class RolloutTargets {
  private RolloutTargets() {
  }

  static boolean inRollout(ReconcileContext ctx) {
    return ctx.tenant().rolloutId().isPresent();
  }

  static String of(ReconcileContext ctx) {
    boolean rollback = ctx.tenant().intent().map(i -> i.kind() == IntentKind.ROLLBACK).orElse(false);
    return "rollout " + ctx.tenant().rolloutId().orElseThrow() + (rollback ? " rollback" : " upgrade");
  }
}

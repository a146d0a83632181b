package io.caprovisioner.rollout;

import java.util.Locale;

/** One tenant of a rollout: waiting for its wave, being upgraded by its reconcile, or settled. */
public enum RolloutTenantState {
  PENDING, UPGRADING, DONE, FAILED, SKIPPED, ROLLED_BACK;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RolloutTenantState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Nothing more happens to it in this rollout unless an operator asks (a rollback). */
  public boolean settled() {
    return this != PENDING && this != UPGRADING;
  }
}

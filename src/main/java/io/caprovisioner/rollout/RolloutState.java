package io.caprovisioner.rollout;

import java.util.Locale;

/** Where a rollout is: moving wave by wave, halted at its failure budget, aborted, or through. */
public enum RolloutState {
  RUNNING, HALTED, ABORTED, COMPLETED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RolloutState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Running or halted: it still owns its tenants, and no other rollout may start. */
  public boolean unfinished() {
    return this == RUNNING || this == HALTED;
  }
}

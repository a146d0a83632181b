package io.caprovisioner.tenant;

import java.util.Locale;

/** The desired run state written to the gitops repo ({@code spec.state} of tenant.yaml). */
public enum TenantState {
  ACTIVE, SUSPENDED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TenantState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}

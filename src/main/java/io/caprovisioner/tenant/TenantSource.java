package io.caprovisioner.tenant;

import java.util.Locale;

/** Who owns a tenant's desired state: Stripe (payments) or staff (the gitops repo / admin API). */
public enum TenantSource {
  STRIPE, MANUAL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TenantSource fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}

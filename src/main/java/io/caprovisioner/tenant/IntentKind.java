package io.caprovisioner.tenant;

import java.util.Locale;

/** What was asked of a tenant: each recorded intent bumps its generation and requests a reconcile. */
public enum IntentKind {
  PROVISION, SUSPEND, RESUME, PLAN_CHANGE, CHART_CHANGE, DELETE, PURGE, RETRY, IMPORT;

  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static IntentKind fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}

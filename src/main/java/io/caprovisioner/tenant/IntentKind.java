package io.caprovisioner.tenant;

import java.util.Locale;

/** What was asked of a tenant: each recorded intent bumps its generation and requests a reconcile. */
public enum IntentKind {
  PROVISION, SUSPEND, RESUME, PLAN_CHANGE, CHART_CHANGE, DELETE, PURGE, RETRY, IMPORT,
  /** A new CollectiveAccess administrator password, set by a reset-password Job. */
  CREDENTIALS_RESET,
  /** A backup of the database and the media volume (on demand, scheduled, before an upgrade). */
  BACKUP,
  /** The site's database and media brought back from one of its backups. */
  RESTORE,
  /** A fleet rollout's new chart version and/or image for this tenant. */
  UPGRADE,
  /** An operator's rollback of one tenant's rollout upgrade to what it ran before. */
  ROLLBACK;

  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static IntentKind fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}

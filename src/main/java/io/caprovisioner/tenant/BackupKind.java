package io.caprovisioner.tenant;

import java.util.Locale;

/** Why a backup of a tenant was taken: retention differs by kind. */
public enum BackupKind {
  /** By the plan's schedule; the plan's {@code keep} newest are kept. */
  SCHEDULED,
  /** {@code POST /admin/tenants/{id}/backups}. */
  ON_DEMAND,
  /** Taken by a fleet rollout before it upgrades the tenant. */
  PRE_UPGRADE,
  /** The last one, before the tenant's data is purged; kept BACKUP_FINAL_DAYS. */
  FINAL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static BackupKind fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}

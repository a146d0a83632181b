package io.caprovisioner.gitops;

import java.util.Locale;

/** The {@code Action:} trailer of a gitops commit. */
public enum GitAction {
  PROVISION, SUSPEND, RESUME, PLAN_CHANGE, DELETE, IMPORT, UPGRADE, ROLLBACK,
  /** The site scaled to zero for a restore of its data, and back after it. */
  RESTORE;

  public String trailer() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}

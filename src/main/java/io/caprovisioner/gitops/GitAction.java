package io.caprovisioner.gitops;

import java.util.Locale;

/** The {@code Action:} trailer of a gitops commit. */
public enum GitAction {
  PROVISION, SUSPEND, RESUME, PLAN_CHANGE, DELETE, IMPORT, UPGRADE, ROLLBACK;

  public String trailer() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}

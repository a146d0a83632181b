package io.caprovisioner.tenant;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tenant lifecycle of DESIGN.md. Transitions not listed here are refused, so a
 * late or duplicated request can never move a tenant backwards (e.g. resurrect a deleted one).
 */
public enum TenantStatus {
  PENDING, PROVISIONING, ACTIVE, FAILED, SUSPENDED, DELETING, DELETED;

  private static final Map<TenantStatus, Set<TenantStatus>> NEXT = Map.of(
      PENDING, EnumSet.of(PROVISIONING, FAILED, SUSPENDED),
      PROVISIONING, EnumSet.of(ACTIVE, FAILED, SUSPENDED),
      ACTIVE, EnumSet.of(SUSPENDED),
      // a failed tenant can be retried, or given up (suspended, then deleted)
      FAILED, EnumSet.of(PROVISIONING, SUSPENDED),
      // resume: straight back to active when it had been deployed, else provisioned again
      SUSPENDED, EnumSet.of(ACTIVE, PROVISIONING, DELETING),
      // within the retention period the data is still there: a resume brings the tenant back
      DELETING, EnumSet.of(DELETED, PROVISIONING),
      DELETED, EnumSet.noneOf(TenantStatus.class));

  public boolean canMoveTo(TenantStatus next) {
    return NEXT.get(this).contains(next);
  }

  /** @throws IllegalTransitionException when the lifecycle does not allow {@code next} from here */
  public TenantStatus moveTo(TenantStatus next) {
    if (!canMoveTo(next)) {
      throw new IllegalTransitionException(this, next);
    }
    return next;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TenantStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}

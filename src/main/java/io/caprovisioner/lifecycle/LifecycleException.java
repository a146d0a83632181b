package io.caprovisioner.lifecycle;

import io.caprovisioner.tenant.Refusal;

/** A request the tenant's current state refuses (or that names no tenant, or an unknown plan). */
public final class LifecycleException extends Refusal {
  private LifecycleException(Kind kind, String message) {
    super(kind, message);
  }

  public static LifecycleException notFound(String what) {
    return new LifecycleException(Kind.NOT_FOUND, what);
  }

  public static LifecycleException conflict(String what) {
    return new LifecycleException(Kind.CONFLICT, what);
  }

  public static LifecycleException invalid(String what) {
    return new LifecycleException(Kind.INVALID, what);
  }
}

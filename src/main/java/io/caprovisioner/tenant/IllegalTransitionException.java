package io.caprovisioner.tenant;

public class IllegalTransitionException extends RuntimeException {
  private final TenantStatus from;
  private final TenantStatus to;

  public IllegalTransitionException(TenantStatus from, TenantStatus to) {
    super("a tenant that is " + from.wire() + " cannot become " + to.wire());
    this.from = from;
    this.to = to;
  }

  public TenantStatus from() {
    return from;
  }

  public TenantStatus to() {
    return to;
  }
}

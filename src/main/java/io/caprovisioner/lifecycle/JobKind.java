package io.caprovisioner.lifecycle;

/** The product's job kinds, as stored in {@code jobs.kind}. */
public enum JobKind {
  /** One level-triggered reconcile of one tenant; at most one queued or running per tenant. */
  TENANT_RECONCILE("tenant.reconcile"),
  /** Apply one stored Stripe event. */
  STRIPE_APPLY("stripe.apply");

  private final String wire;

  JobKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}

package io.caprovisioner.lifecycle;

/** The product's job kinds, as stored in {@code jobs.kind}. */
public enum JobKind {
  /** One level-triggered reconcile of one tenant; at most one queued or running per tenant. */
  TENANT_RECONCILE("tenant.reconcile"),
  /** Apply one stored Stripe event. */
  STRIPE_APPLY("stripe.apply"),
  /** Hand one outbox message to the SMTP server (or write it as .eml); not tied to the tenant's queue. */
  MAIL_SEND("mail.send"),
  /** Moves one fleet rollout on: starts its next wave when the last one settled, halts it at its budget. */
  ROLLOUT_ADVANCE("rollout.advance");

  private final String wire;

  JobKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}

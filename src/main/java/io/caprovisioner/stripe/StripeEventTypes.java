package io.caprovisioner.stripe;

import java.util.Set;

/** The event types that can change a tenant; every other type is stored and marked ignored. */
public final class StripeEventTypes {
  public static final String CHECKOUT_COMPLETED = "checkout.session.completed";
  public static final String SUBSCRIPTION_CREATED = "customer.subscription.created";
  public static final String SUBSCRIPTION_UPDATED = "customer.subscription.updated";
  public static final String SUBSCRIPTION_DELETED = "customer.subscription.deleted";
  public static final String INVOICE_PAYMENT_FAILED = "invoice.payment_failed";
  public static final String INVOICE_PAYMENT_SUCCEEDED = "invoice.payment_succeeded";

  public static final Set<String> HANDLED = Set.of(CHECKOUT_COMPLETED, SUBSCRIPTION_CREATED, SUBSCRIPTION_UPDATED,
      SUBSCRIPTION_DELETED, INVOICE_PAYMENT_FAILED, INVOICE_PAYMENT_SUCCEEDED);

  private StripeEventTypes() {
  }

  public static boolean handled(String type) {
    return HANDLED.contains(type);
  }
}

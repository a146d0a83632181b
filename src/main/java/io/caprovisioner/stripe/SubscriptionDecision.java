package io.caprovisioner.stripe;

import java.util.Optional;

/**
 * What should happen to a tenant, given what Stripe says about its subscription. Pure: no I/O,
 * no tenant state. Level-triggered: the subscription's status decides; the event type only
 * matters where it is authoritative ({@code customer.subscription.deleted}) or where the event
 * carries no status (invoices, when the subscription could not be re-fetched).
 */
public record SubscriptionDecision(Action action, String reason) {

  public enum Action {
    /** active/trialing: the site runs; a suspended one is resumed. */
    RUN,
    /** past_due: keeps running while Stripe retries the payment. */
    GRACE,
    /** unpaid/paused: suspended. */
    SUSPEND,
    /** canceled or deleted: suspended at once, deletion scheduled after the retention period. */
    CANCEL,
    /** incomplete: the first payment has not gone through; never provisioned. */
    NOT_YET,
    /** nothing to change (a status we do not know). */
    NONE
  }

  public static SubscriptionDecision of(String eventType, Optional<String> status) {
    if (StripeEventTypes.SUBSCRIPTION_DELETED.equals(eventType)) {
      // a deleted subscription is over, even if the object still says otherwise
      return new SubscriptionDecision(Action.CANCEL, "subscription deleted");
    }
    if (status.isEmpty()) {
      if (StripeEventTypes.INVOICE_PAYMENT_SUCCEEDED.equals(eventType)) {
        // a paid invoice makes a past_due or unpaid subscription active again
        return new SubscriptionDecision(Action.RUN, "invoice paid");
      }
      if (StripeEventTypes.INVOICE_PAYMENT_FAILED.equals(eventType)) {
        return new SubscriptionDecision(Action.GRACE, "invoice payment failed; Stripe retries (grace)");
      }
      return new SubscriptionDecision(Action.NONE, "the event shows no subscription status");
    }
    String s = status.get();
    return switch (s) {
      case "active", "trialing" -> new SubscriptionDecision(Action.RUN, "subscription " + s);
      case "past_due" -> new SubscriptionDecision(Action.GRACE, "subscription past_due: grace, keeps running");
      case "unpaid", "paused" -> new SubscriptionDecision(Action.SUSPEND, "subscription " + s);
      case "canceled", "incomplete_expired" -> new SubscriptionDecision(Action.CANCEL, "subscription " + s);
      case "incomplete" -> new SubscriptionDecision(Action.NOT_YET, "subscription incomplete: first payment pending");
      default -> new SubscriptionDecision(Action.NONE, "unknown subscription status '" + s + "'");
    };
  }

  /** Stripe never reactivates a subscription in these states. */
  public static boolean isFinal(String status) {
    return "canceled".equals(status) || "incomplete_expired".equals(status);
  }

  /**
   * The subscription's status a completed checkout implies when Stripe's API is not asked: paid
   * (or nothing to pay) means the subscription is active; an unpaid completed session is waiting
   * for an asynchronous payment, so the subscription is still incomplete.
   */
  public static String statusAfterCheckout(String paymentStatus) {
    return "unpaid".equals(paymentStatus) ? "incomplete" : "active";
  }

  /**
   * Without a re-fetch, an event older than the newest applied to its subscription says
   * something already superseded. Stripe's {@code created} has one-second resolution: equal
   * times are applied in arrival order.
   */
  public static boolean stale(long eventCreated, Long newestApplied) {
    return newestApplied != null && eventCreated < newestApplied;
  }
}

package io.caprovisioner.stripe;

import java.util.Optional;

/** What one stored Stripe event says, in the terms the applier needs; read by {@link StripeEventReader}. */
public sealed interface EventFacts {
  String eventId();

  long created();

  /**
   * A subscription checkout completed: who paid and for which subscription.
   *
   * @param impliedStatus the subscription's status as far as the session tells (see
   *                      {@link SubscriptionDecision#statusAfterCheckout}); a re-fetch replaces it
   * @param sessionId     the Checkout Session ({@code cs_...}): the welcome page's key to the tenant
   * @param requestedName {@code metadata.requested_name}: the site name asked for at signup
   */
  record Checkout(String eventId, long created, String subscriptionId, Optional<String> customerId,
      Optional<String> email, Optional<String> metadataPlan, String impliedStatus, Optional<String> sessionId,
      Optional<String> requestedName) implements EventFacts {
  }

  /**
   * A subscription or invoice event: the subscription's state as this event shows it.
   *
   * @param status  empty for invoices, which do not carry the subscription's status
   * @param priceId the first item's price, when the event shows the subscription's items
   */
  record SubscriptionChange(String eventId, long created, String type, String subscriptionId,
      Optional<String> customerId, Optional<String> status, Optional<String> priceId,
      Optional<Long> currentPeriodEnd) implements EventFacts {

    SubscriptionChange withCurrentState(SubscriptionSnapshot now) {
      return new SubscriptionChange(eventId, created, type, subscriptionId,
          now.customerId().or(() -> customerId), Optional.of(now.status()), now.priceId().or(() -> priceId),
          now.currentPeriodEnd().or(() -> currentPeriodEnd));
    }
  }

  /** Nothing for us in this event (e.g. a one-off payment checkout); {@code reason} is logged and stored. */
  record Irrelevant(String eventId, long created, String reason) implements EventFacts {
  }
}

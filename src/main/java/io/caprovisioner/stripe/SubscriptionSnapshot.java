package io.caprovisioner.stripe;

import java.util.Optional;

/** A subscription's current state as the Stripe API returned it (the re-fetch). */
public record SubscriptionSnapshot(String id, String status, Optional<String> customerId, Optional<String> priceId,
    Optional<Long> currentPeriodEnd) {
}

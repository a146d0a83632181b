package io.caprovisioner.lifecycle;

import io.caprovisioner.tenant.TenantSource;
import java.util.Optional;

/**
 * A new tenant. {@code slug} empty: a generated id. The email stays in PostgreSQL (users), never
 * in git.
 */
public record ProvisionRequest(String email, String plan, Optional<String> slug, TenantSource source,
    Optional<String> stripeCustomerId, Optional<String> stripeSubscriptionId, Optional<String> stripePriceId,
    Optional<String> stripeEventId, String requestedBy) {
}

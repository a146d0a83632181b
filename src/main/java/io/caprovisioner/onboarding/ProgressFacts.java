package io.caprovisioner.onboarding;

import io.caprovisioner.db.TenantStepStore;
import io.caprovisioner.tenant.Tenant;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the service knows about one Checkout Session's site, read from PostgreSQL; empty
 * {@code tenant} while its checkout has not been applied (or the id is unknown).
 *
 * @param requestedName the site name asked for at signup
 * @param email         the customer's address (shown masked, never whole)
 * @param typical       median creation-to-deployment time of recent sites; empty without history
 * @param paidSince     with a Stripe key, for a session without a tenant yet: since when the service has
 *                      known that Stripe reports it paid (the webhook is then overdue)
 */
public record ProgressFacts(Optional<Tenant> tenant, Optional<String> requestedName,
    Map<String, TenantStepStore.StepRecord> steps, Optional<String> email, Optional<Duration> typical,
    Optional<java.time.Instant> paidSince) {

  public static ProgressFacts awaitingPayment(Optional<Duration> typical, Optional<java.time.Instant> paidSince) {
    return new ProgressFacts(Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), typical, paidSince);
  }
}

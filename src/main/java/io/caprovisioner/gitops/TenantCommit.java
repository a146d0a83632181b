package io.caprovisioner.gitops;

import java.time.Instant;
import java.util.Optional;

/**
 * One commit that changed a tenant's folder, as {@code GET /tenants/{id}/history} shows it.
 * Commits written by people (merged pull requests) may lack trailers: then only sha, time,
 * author and message are known. The author's email is left out on purpose.
 *
 * @param action        the {@code Action:} trailer, e.g. {@code provision}; empty when absent
 * @param stripeEventId the {@code Stripe-Event:} trailer
 * @param requestedBy   the {@code Requested-By:} trailer
 */
public record TenantCommit(String sha, Instant time, String author, String subject, String message,
    Optional<String> action, Optional<String> stripeEventId, Optional<String> requestedBy) {
}

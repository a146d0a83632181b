package io.caprovisioner.gitops;

import java.util.Optional;

/**
 * Who asked for a change and why; becomes the commit message trailers
 * ({@code Action:}, {@code Stripe-Event:}, {@code Requested-By:}).
 */
public record GitChange(GitAction action, Optional<String> stripeEventId, String requestedBy) {
}

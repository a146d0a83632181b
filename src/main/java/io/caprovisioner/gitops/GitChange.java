package io.caprovisioner.gitops;

import java.util.Optional;

/**
 * Who asked for a change and why; becomes the commit message trailers
 * ({@code Action:}, {@code Rollout:}, {@code Stripe-Event:}, {@code Requested-By:}).
 *
 * @param rolloutId the fleet rollout an upgrade or rollback belongs to
 */
public record GitChange(GitAction action, Optional<String> stripeEventId, String requestedBy,
    Optional<Long> rolloutId) {

  public GitChange(GitAction action, Optional<String> stripeEventId, String requestedBy) {
    this(action, stripeEventId, requestedBy, Optional.empty());
  }
}

package io.caprovisioner.tenant;

import java.util.Optional;

/** The newest recorded intent of a tenant: what its next commit says, and on whose behalf. */
public record Intent(IntentKind kind, String requestedBy, Optional<String> stripeEventId) {
}

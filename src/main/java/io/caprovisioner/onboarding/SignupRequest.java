package io.caprovisioner.onboarding;

import java.util.Optional;

/**
 * A valid signup form: who, which plan, the site name asked for (empty: a generated one), and the
 * form's one-time token (the Checkout Session's {@code client_reference_id} and idempotency key).
 */
public record SignupRequest(String email, String plan, Optional<String> name, String token) {
}

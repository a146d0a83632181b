package io.caprovisioner.onboarding;

import io.vertx.core.Future;

/**
 * Dev mode's stand-in for Stripe Checkout: sends the service the signed
 * {@code checkout.session.completed} a paid test checkout would cause, through its own webhook,
 * exactly as {@code stripe trigger checkout} does. Built by the composition root, which knows the
 * webhook and its secret.
 */
public interface CheckoutTestPayment {
  Future<Void> complete(String sessionId, SignupRequest request);
}

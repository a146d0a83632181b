package io.caprovisioner.onboarding;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.param.billingportal.SessionCreateParams;
import io.caprovisioner.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;

/**
 * Stripe's Billing Portal: a session for one customer, whose URL the customer is sent to. Only
 * with STRIPE_SECRET_KEY; stripe-java blocks, so the call runs on a worker thread.
 */
final class BillingPortal {
  private final Vertx vertx;
  private final Optional<StripeClient> client;

  BillingPortal(Vertx vertx, Config.Stripe stripe) {
    this.vertx = vertx;
    this.client = stripe.secretKey().map(key -> {
      StripeClient.StripeClientBuilder b = new StripeClient.StripeClientBuilder().setApiKey(key)
          .setConnectTimeout(10_000).setReadTimeout(20_000).setMaxNetworkRetries(1);
      stripe.apiBase().ifPresent(b::setApiBase);
      return b.build();
    });
  }

  boolean enabled() {
    return client.isPresent();
  }

  /** @return the portal URL; a failed Future when Stripe refuses or cannot be reached */
  Future<String> sessionUrl(String customerId, String returnUrl) {
    StripeClient stripe = client.orElseThrow();
    return vertx.executeBlocking(() -> {
      try {
        return stripe.v1().billingPortal().sessions().create(SessionCreateParams.builder().setCustomer(customerId)
            .setReturnUrl(returnUrl).build()).getUrl();
      } catch (StripeException e) {
        throw new IllegalStateException("Stripe billing portal: " + e.getMessage(), e);
      }
    }, false);
  }
}

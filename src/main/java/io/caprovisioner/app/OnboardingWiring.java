package io.caprovisioner.app;

import com.stripe.StripeClient;
import io.caprovisioner.config.Config;
import io.caprovisioner.onboarding.CheckoutSessions;
import io.caprovisioner.onboarding.CheckoutTestPayment;
import io.caprovisioner.onboarding.PageAssets;
import io.caprovisioner.onboarding.SignupRoutes;
import io.caprovisioner.onboarding.WelcomeRoutes;
import io.caprovisioner.web.ApiServer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The customer's pages ({@code /signup}, {@code /welcome}): Stripe Checkout when a key is
 * configured, the local test payment when SIGNUP_TEST_PAYMENTS is on.
 */
final class OnboardingWiring {
  private OnboardingWiring() {
  }

  static void mount(ApiServer api, Vertx vertx, Pool pool, Config config, IntSupplier port) {
    Optional<CheckoutSessions> stripe = config.stripe().secretKey().map(key -> {
      StripeClient.StripeClientBuilder b = new StripeClient.StripeClientBuilder().setApiKey(key)
          .setConnectTimeout(10_000).setReadTimeout(20_000).setMaxNetworkRetries(2);
      config.stripe().apiBase().ifPresent(b::setApiBase);
      return new CheckoutSessions(vertx, b.build(), config.brand());
    });
    Optional<CheckoutTestPayment> testPayment = config.signup().testPayments()
        ? Optional.of(new CheckoutTestPaymentSender(WebClient.create(vertx),
            config.stripe().webhookSecrets().get(0), port))
        : Optional.empty();
    api.customerPages(SignupRoutes.PATH).customerPages(WelcomeRoutes.PATH).customerPages(PageAssets.PATH)
        .streaming(WelcomeRoutes.EVENTS_PATH)
        .routes(new PageAssets()::mount)
        .routes(new SignupRoutes(pool, config, stripe, testPayment)::mount)
        .routes(new WelcomeRoutes(vertx, pool, config.brand(), config.signup(), stripe, Clock.systemUTC())::mount);
  }
}

package io.caprovisioner.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With STRIPE_SECRET_KEY the subscription is re-fetched (STRIPE_API_BASE: a fake) and its current state decides. */
class StripeRefetchTest {
  private static FakeStripeApi stripe;
  private static StripeTestService service;

  @BeforeAll
  static void start() {
    stripe = new FakeStripeApi();
    service = new StripeTestService(Map.of("STRIPE_SECRET_KEY", "sk_test_fake_key_123",
        "STRIPE_API_BASE", stripe.base()));
  }

  @AfterAll
  static void stop() {
    service.close();
    stripe.close();
  }

  @Test
  void thePlanComesFromTheCurrentPriceAndTheCurrentStatusDecides() {
    String sub = StripeEventFactory.id("sub");
    String cus = StripeEventFactory.id("cus");
    long t0 = TestSigner.now() - 1000;
    stripe.set(sub, cus, "active", "price_museum");
    // metadata says pro, but the subscription's price is the museum one
    service.deliverAndApply(StripeEventFactory.checkoutCompleted("refetch@example.org", Optional.of("pro"), cus, sub,
        t0));
    assertThat(service.tenantOf(sub)).containsEntry("plan", "museum").containsEntry("stripe_price_id", "price_museum")
        .containsEntry("status", "pending");
    assertThat(stripe.authorizations).contains("Bearer sk_test_fake_key_123");

    // an old "active" event arrives after the subscription went unpaid: the current state wins
    stripe.set(sub, cus, "unpaid", "price_museum");
    String old = service.deliverAndApply(StripeEventFactory.subscriptionEvent(StripeEventTypes.SUBSCRIPTION_UPDATED,
        sub, cus, "active", "price_museum", t0 - 500));
    assertThat(service.eventStatus(old)).isEqualTo("applied");
    assertThat(service.tenantOf(sub)).containsEntry("status", "suspended").containsEntry("subscription_status", "unpaid");

    // an invoice event: the re-fetched status (active again) decides
    stripe.set(sub, cus, "active", "price_museum");
    service.deliverAndApply(StripeEventFactory.invoiceEvent(true, sub, cus, t0 + 10));
    assertThat(service.tenantOf(sub)).containsEntry("status", "provisioning");
  }

  @Test
  void anUnreachableStripeApiFailsTheJobForARetryAndTheRetryApplies() {
    String sub = StripeEventFactory.id("sub");
    String cus = StripeEventFactory.id("cus");
    stripe.set(sub, cus, "active", "price_pro");
    stripe.down = true;
    var event = StripeEventFactory.checkoutCompleted("outage@example.org", Optional.empty(), cus, sub,
        TestSigner.now());
    assertThat(service.deliver(event).statusCode()).isEqualTo(200);
    try {
      assertThatThrownBy(() -> service.apply(event.getString("id"))).hasStackTraceContaining("Stripe API");
      assertThat(service.event(event.getString("id"))).containsEntry("status", "failed");
      assertThat(service.tenantOf(sub)).isNull();
    } finally {
      stripe.down = false;
    }
    service.apply(event.getString("id"));
    assertThat(service.eventStatus(event.getString("id"))).isEqualTo("applied");
    assertThat(service.tenantOf(sub)).containsEntry("plan", "pro");
  }
}

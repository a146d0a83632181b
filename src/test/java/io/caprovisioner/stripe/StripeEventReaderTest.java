package io.caprovisioner.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.testing.UpstreamData;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** stripe-java parsing of stored events, across API versions. */
class StripeEventReaderTest {
  private final StripeEventReader reader = new StripeEventReader();

  @BeforeEach
  void needsTheFixtures() {
    UpstreamData.folder(StripeFixturesTest.FIXTURES);
  }

  private static String fixture(String name) {
    return new String(StripeFixturesTest.fixture(name), StandardCharsets.UTF_8);
  }

  private static String wrap(String type, String apiVersion, String objectFile) {
    JsonObject event = new JsonObject().put("id", "evt_wrapped").put("object", "event")
        .put("api_version", apiVersion).put("created", 1765800000L)
        .put("data", new JsonObject().put("object", new JsonObject(fixture(objectFile))))
        .put("livemode", false).put("type", type);
    return event.encode();
  }

  @Test
  void readsAnOldApiVersionCheckoutThroughDeserializeUnsafe() {
    EventFacts facts = reader.read(fixture("checkout.session.completed.pay-rails.json"));
    assertThat(facts).isEqualTo(new EventFacts.Checkout("evt_1FixturePayRailsCsCompl", 1658323200L,
        "sub_1LNkeSKXBGcbgpbZ7jMqOPSi", Optional.of("cus_M5wW9RPFk9xNZ5"), Optional.of("chris@gorails.com"),
        Optional.empty(), "active",
        Optional.of("cs_test_a1UejXx8ebIdTzFolicVypUAZpOBVkoQKDbaarXoPlPVtj8p0zujPEEhjT"), Optional.empty()));
  }

  @Test
  void readsTheBasilInvoiceSubscriptionFromItsParent() {
    EventFacts facts = reader.read(fixture("invoice.payment_failed.pay-rails.json"));
    assertThat(facts).isInstanceOfSatisfying(EventFacts.SubscriptionChange.class, f -> {
      assertThat(f.subscriptionId()).isEqualTo("sub_1234");
      assertThat(f.status()).isEmpty();
    });
  }

  @Test
  void fallsBackToTheLegacyTopLevelInvoiceSubscription() {
    JsonObject event = new JsonObject(fixture("invoice.payment_failed.pay-rails.json"));
    JsonObject invoice = event.getJsonObject("data").getJsonObject("object");
    invoice.putNull("parent").put("subscription", "sub_legacy1");
    event.put("api_version", "2024-06-20");
    assertThat(reader.read(event.encode())).isInstanceOfSatisfying(EventFacts.SubscriptionChange.class,
        f -> assertThat(f.subscriptionId()).isEqualTo("sub_legacy1"));
  }

  @Test
  void readsTheCurrentVersionSubscription() {
    assertThat(reader.read(fixture("customer.subscription.updated.openapi.json")))
        .isInstanceOfSatisfying(EventFacts.SubscriptionChange.class, f -> {
          assertThat(f.subscriptionId()).isEqualTo("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw");
          assertThat(f.status()).hasValue("active");
          assertThat(f.priceId()).hasValue("price_1PgafmB7WZ01zgkW6dKueIc5");
          assertThat(f.currentPeriodEnd()).hasValue(976287773L);
        });
  }

  @Test
  void aNullApiVersionDoesNotCrash() {
    assertThat(reader.read(wrap("customer.subscription.updated", null, "objects/subscription.json")))
        .isInstanceOfSatisfying(EventFacts.SubscriptionChange.class,
            f -> assertThat(f.status()).hasValue("active"));
    assertThat(reader.read(wrap("checkout.session.completed", null, "objects/checkout.session.json")))
        .isInstanceOf(EventFacts.Irrelevant.class);
    assertThat(reader.read(fixture("objects/event.plan.created.json"))).isInstanceOf(EventFacts.Irrelevant.class);
  }

  @Test
  void anEventCarryingTheWrongObjectIsUnreadable() {
    assertThatThrownBy(() -> reader.read(wrap("customer.subscription.updated", "2025-12-15.clover",
        "objects/invoice.json"))).isInstanceOf(StripeEventReader.Unreadable.class).hasMessageContaining("Invoice");
  }
}

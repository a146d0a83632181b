package io.caprovisioner.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.testing.UpstreamData;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared fixtures (real Stripe object shapes, several API versions), read where they are and
 * signed here: each is applied, ignored or kept with a reason; none fails.
 */
class StripeFixturesTest {
  static final String FIXTURES = "fixtures/stripe";
  private static StripeTestService service;

  @BeforeAll
  static void start() {
    if (!UpstreamData.present(FIXTURES)) {
      return;
    }
    service = new StripeTestService(Map.of("STRIPE_PRICE_PLANS",
        "price_1PgafmB7WZ01zgkW6dKueIc5=pro,price_pro=pro,price_starter=starter"));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @BeforeEach
  void needsTheFixtures() {
    UpstreamData.folder(FIXTURES);
  }

  static byte[] fixture(String name) {
    Path dir = UpstreamData.folder(FIXTURES);
    try {
      return Files.readAllBytes(dir.resolve(name));
    } catch (IOException e) {
      throw new IllegalStateException("fixture " + name + " (looked in " + dir.toAbsolutePath() + ")", e);
    }
  }

  static List<String> eventFixtures() throws IOException {
    try (Stream<Path> files = Files.list(UpstreamData.folder(FIXTURES))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void everyFixtureIsAppliedIgnoredOrKeptWithAReasonAndNoneFails() throws IOException {
    List<String> names = eventFixtures();
    assertThat(names).hasSize(7);
    // the openapi subscription's tenant exists (bought as starter) before its fixtures arrive
    String sub = "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw";
    service.deliverAndApply(StripeEventFactory.checkoutCompleted("openapi@example.org", Optional.of("starter"),
        "cus_QXg1o8vcGmoR32", sub, 1765800000L));
    Map<String, String> ids = new LinkedHashMap<>();
    // in the order Stripe created them (out-of-order delivery is covered by StripeEventLifecycleTest)
    List<String> byCreated = names.stream().sorted(java.util.Comparator.comparingLong(n ->
        new JsonObject(new String(fixture(n), java.nio.charset.StandardCharsets.UTF_8)).getLong("created"))).toList();
    for (String name : byCreated) {
      byte[] body = fixture(name);
      assertThat(service.deliver(body).statusCode()).as(name).isEqualTo(200);
      ids.put(name, new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8)).getString("id"));
    }
    byte[] planCreated = fixture("objects/event.plan.created.json");
    assertThat(service.deliver(planCreated).statusCode()).isEqualTo(200);
    service.runApplyJobs();

    for (Map.Entry<String, String> e : ids.entrySet()) {
      Map<String, Object> row = service.event(e.getValue());
      assertThat(row.get("status")).as(e.getKey()).isIn("applied", "ignored", "deferred");
      assertThat(row.get("note")).as(e.getKey() + " reason").isNotNull();
      assertThat(row.get("error")).as(e.getKey()).isNull();
    }
    assertThat(service.count("SELECT count(*) FROM stripe_events WHERE status = 'failed'")).isZero();
    assertThat(service.eventStatus(ids.get("checkout.session.completed.openapi.json"))).isEqualTo("ignored");
    assertThat(service.eventStatus(ids.get("invoice.payment_failed.openapi.json"))).isEqualTo("ignored");
    assertThat(service.eventStatus(ids.get("invoice.payment_succeeded.openapi.json"))).isEqualTo("ignored");
    // about subscriptions whose checkout never came: kept
    assertThat(service.event(ids.get("invoice.payment_failed.pay-rails.json")))
        .containsEntry("status", "deferred").containsEntry("stripe_subscription_id", "sub_1234");
    // a 2020 subscription checkout without a plan: waits for a price
    assertThat(service.eventStatus(ids.get("checkout.session.completed.pay-rails.json"))).isEqualTo("deferred");

    // updated: its price buys pro (a plan change); deleted: suspended, deletion scheduled
    assertThat(service.eventStatus(ids.get("customer.subscription.updated.openapi.json"))).isEqualTo("applied");
    assertThat(service.eventStatus(ids.get("customer.subscription.deleted.openapi.json"))).isEqualTo("applied");
    assertThat(service.tenantOf(sub)).containsEntry("plan", "pro").containsEntry("status", "deleting");
    assertThat(service.count("SELECT count(*) FROM tenant_intents WHERE kind = 'plan-change' AND "
        + "stripe_event_id = ?", ids.get("customer.subscription.updated.openapi.json"))).isEqualTo(1);

    // the pay-rails checkout gets its plan from a later subscription event
    String payRailsSub = "sub_1LNkeSKXBGcbgpbZ7jMqOPSi";
    service.deliverAndApply(StripeEventFactory.subscriptionEvent(StripeEventTypes.SUBSCRIPTION_UPDATED, payRailsSub,
        "cus_M5wW9RPFk9xNZ5", "active", "price_starter", TestSigner.now()));
    assertThat(service.eventStatus(ids.get("checkout.session.completed.pay-rails.json"))).isEqualTo("applied");
    assertThat(service.tenantOf(payRailsSub)).containsEntry("plan", "starter").containsEntry("status", "pending");
    assertThat(service.one("SELECT u.email FROM users u JOIN subscriptions s ON s.user_id = u.id "
        + "WHERE s.stripe_subscription_id = ?", payRailsSub)).containsEntry("email", "chris@gorails.com");
    assertThat(service.count("SELECT count(*) FROM stripe_events WHERE status = 'failed'")).isZero();
  }
}

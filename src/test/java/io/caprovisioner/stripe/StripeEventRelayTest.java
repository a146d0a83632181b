package io.caprovisioner.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The relay of a replica that runs jobs (the service's own runner, no test stand-in): events
 * stored by the webhook, and events it never heard of (stored by an API-only replica, or left by
 * a crash between the answer and the relay's pass), each get their one job and are applied.
 */
class StripeEventRelayTest {

  @Test
  void anEventStoredWithoutAWakeUpIsFoundByThePollAndApplied() {
    try (StripeTestService service = new StripeTestService(Map.of("JOB_WORKERS", "2"))) {
      String sub = StripeEventFactory.id("sub");
      JsonObject event = StripeEventFactory.checkoutCompleted("poll@museum.example", Optional.of("pro"),
          StripeEventFactory.id("cus"), sub, Instant.now().getEpochSecond());
      // what another replica's webhook leaves behind: the stored row and nothing else
      service.query("INSERT INTO stripe_events (id, type, api_version, created, livemode, payload) "
          + "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", event.getString("id"), event.getString("type"),
          event.getString("api_version"), event.getLong("created"), false, event.encode());

      await().atMost(Duration.ofSeconds(30)).until(() -> !"received".equals(service.eventStatus(event.getString("id"))));
      assertThat(service.eventStatus(event.getString("id"))).isEqualTo("applied");
      assertThat(service.tenantOf(sub)).isNotNull();
      assertThat(service.count("SELECT count(*) FROM jobs WHERE kind = 'stripe.apply' AND payload->>'event_id' = ?",
          event.getString("id"))).isEqualTo(1);
    }
  }

  @Test
  void aBurstOfDeliveriesIsAppliedOnceEach() {
    try (StripeTestService service = new StripeTestService(Map.of("JOB_WORKERS", "2"))) {
      java.util.List<String> subs = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String sub = StripeEventFactory.id("sub");
        subs.add(sub);
        JsonObject event = StripeEventFactory.checkoutCompleted("burst" + i + "@museum.example", Optional.of("pro"),
            StripeEventFactory.id("cus"), sub, Instant.now().getEpochSecond());
        assertThat(service.deliver(event).statusCode()).isEqualTo(200);
        // a redelivery at once: stored once, queued once
        assertThat(service.deliver(event).statusCode()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> service.count(
          "SELECT count(*) FROM stripe_events WHERE status = 'applied'") == 20);
      assertThat(service.count("SELECT count(*) FROM jobs WHERE kind = 'stripe.apply'")).isEqualTo(20);
      assertThat(service.count("SELECT count(*) FROM tenants")).isEqualTo(20);
      for (String sub : subs) {
        assertThat(service.tenantOf(sub)).isNotNull();
      }
    }
  }
}

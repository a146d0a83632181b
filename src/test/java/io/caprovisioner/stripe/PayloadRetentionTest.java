package io.caprovisioner.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A customer's name and address in a stored Stripe event are not kept forever: once the event
 * is applied and older than STRIPE_PAYLOAD_RETENTION_DAYS, the sweep blanks them, keeps what a
 * replay and the admin API need, and leaves younger and unapplied events whole. The whole service
 * on a real PostgreSQL, signed webhooks over HTTP.
 */
class PayloadRetentionTest {
  private static final String NAME = "Ada Lovelace-Byron";
  private static final String STREET = "12 Marylebone Road";

  private static JsonObject checkoutWithPersonalDetails(String email, String subscription) {
    JsonObject event = StripeEventFactory.checkoutCompleted(email, Optional.of("pro"), StripeEventFactory.id("cus"),
        subscription, Instant.now().getEpochSecond());
    JsonObject session = event.getJsonObject("data").getJsonObject("object");
    session.getJsonObject("customer_details").put("name", NAME).put("phone", "+44 20 7946 0000")
        .put("address", new JsonObject().put("line1", STREET).put("city", "London").put("postal_code", "NW1 5LR"));
    session.put("shipping_details", new JsonObject().put("name", NAME).put("address", new JsonObject().put("line1", STREET)));
    return event;
  }

  @Test
  void appliedAgedEventsLoseTheCustomersDetailsAndStillReplay() {
    Vertx vertx = Vertx.vertx();
    try (StripeTestService service = new StripeTestService(Map.of("STRIPE_PAYLOAD_RETENTION_DAYS", "30"))) {
      String aged = service.deliverAndApply(checkoutWithPersonalDetails("aged@museum.example", "sub_aged1"));
      String young = service.deliverAndApply(checkoutWithPersonalDetails("young@museum.example", "sub_young1"));
      JsonObject unapplied = checkoutWithPersonalDetails("waiting@museum.example", "sub_waiting1");
      assertThat(service.deliver(unapplied).statusCode()).isEqualTo(200);
      String waiting = unapplied.getString("id");
      assertThat(service.eventStatus(aged)).isEqualTo("applied");
      service.query("UPDATE stripe_events SET processed_at = now() - interval '31 days' WHERE id = ?", aged);
      service.query("UPDATE stripe_events SET processed_at = now() - interval '29 days' WHERE id = ?", young);
      service.query("UPDATE stripe_events SET received_at = now() - interval '90 days' WHERE id = ?", waiting);

      DatabaseUrl url = new DatabaseUrl(service.db.host(), service.db.port(), service.db.database(), "postgres", "");
      Pool pool = Database.pool(vertx, url, 2);
      assertThat(new PayloadRetention(pool, 30).sweep().await()).isEqualTo(1);
      // a second sweep (another replica, the next hour) finds nothing more to do
      assertThat(new PayloadRetention(pool, 30).sweep().await()).isZero();

      String agedBody = (String) service.event(aged).get("payload");
      assertThat(agedBody).doesNotContain(NAME).doesNotContain(STREET).doesNotContain("7946");
      JsonObject session = new JsonObject(agedBody).getJsonObject("data").getJsonObject("object");
      assertThat(session.getJsonObject("customer_details").getString("email")).isEqualTo("aged@museum.example");
      assertThat(session.getString("subscription")).isEqualTo("sub_aged1");
      assertThat(session.getJsonObject("metadata").getString("plan")).isEqualTo("pro");
      assertThat((String) service.event(young).get("payload")).contains(NAME).contains(STREET);
      assertThat((String) service.event(waiting).get("payload")).contains(NAME).contains(STREET);

      // the admin API says when, and a replay still reads the event
      JsonArray listed = new JsonArray(service.admin("GET", "/admin/stripe/events").body());
      JsonObject agedSummary = listed.stream().map(JsonObject.class::cast).filter(e -> e.getString("id").equals(aged))
          .findFirst().orElseThrow();
      assertThat(agedSummary.getString("payload_redacted_at")).isNotNull();
      // (replaying an applied checkout finds its tenant: the same outcome as for a whole body)
      assertThat(service.admin("POST", "/admin/stripe/events/" + aged + "/replay").statusCode()).isEqualTo(200);
      assertThat(service.admin("POST", "/admin/stripe/events/" + young + "/replay").statusCode()).isEqualTo(200);
      assertThat(service.eventStatus(aged)).isNotEqualTo("failed").isEqualTo(service.eventStatus(young));
      assertThat(service.event(aged).get("note")).isEqualTo("subscription sub_aged1 already has its tenant");
      pool.close();
    } finally {
      vertx.close();
    }
  }
}

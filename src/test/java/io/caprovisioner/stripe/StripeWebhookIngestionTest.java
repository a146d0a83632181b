package io.caprovisioner.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /webhooks/stripe}: what is accepted, stored and queued, and every refusal. */
class StripeWebhookIngestionTest {
  private static StripeTestService service;

  @BeforeAll
  static void start() {
    service = new StripeTestService(Map.of("STRIPE_LIVEMODE", "false"));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static JsonObject checkout() {
    return StripeEventFactory.checkoutCompleted("a@b.org", Optional.of("pro"), StripeEventFactory.id("cus"),
        StripeEventFactory.id("sub"), TestSigner.now());
  }

  private static byte[] bytes(JsonObject event) {
    return event.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static void assertRefused(HttpResponse<String> r, String error, String detailPart) {
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("detail")).contains(detailPart);
  }

  @Test
  void storesTheRawEventAloneAndTheRelayQueuesItsOneJob() {
    JsonObject event = checkout();
    byte[] body = event.encodePrettily().getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = service.post(body, TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("received", true).put("duplicate", false));
    Map<String, Object> row = service.event(event.getString("id"));
    assertThat(row.get("payload")).isEqualTo(new String(body, StandardCharsets.UTF_8));
    assertThat(row).containsEntry("type", "checkout.session.completed").containsEntry("status", "received")
        .containsEntry("api_version", "2025-12-15.clover").containsEntry("livemode", false)
        .containsEntry("created", event.getLong("created"));
    assertThat(row.get("received_at")).isNotNull();
    // the acknowledgement is the one insert; the job comes from the relay (not running here)
    assertThat(service.count("SELECT count(*) FROM jobs WHERE payload->>'event_id' = ?", event.getString("id")))
        .isZero();
    assertThat(row.get("queued_at")).isNull();

    service.relay();
    assertThat(service.count("SELECT count(*) FROM jobs WHERE kind = 'stripe.apply' AND payload->>'event_id' = ? "
        + "AND dedupe_key = ? AND state = 'queued'", event.getString("id"), "stripe.apply:" + event.getString("id")))
        .isEqualTo(1);
    assertThat(service.event(event.getString("id")).get("queued_at")).isNotNull();

    HttpResponse<String> again = service.post(body, TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body));
    assertThat(new JsonObject(again.body()).getBoolean("duplicate")).isTrue();
    assertThat(service.relay()).isZero();
    assertThat(service.count("SELECT count(*) FROM jobs WHERE payload->>'event_id' = ?", event.getString("id")))
        .isEqualTo(1);
  }

  @Test
  void anAcknowledgementDoesNotWaitForTheJobQueue() throws Exception {
    // background work holding the jobs table (a long claim, a vacuum, a migration) must not
    // hold Stripe's answer: the webhook writes stripe_events alone
    try (java.sql.Connection blocker = java.sql.DriverManager.getConnection(service.db.jdbcUrl(), "postgres", null)) {
      blocker.setAutoCommit(false);
      blocker.createStatement().execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
      JsonObject event = checkout();
      long started = System.nanoTime();
      HttpResponse<String> r = service.deliver(event);
      long millis = (System.nanoTime() - started) / 1_000_000;
      blocker.rollback();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(millis).as("acknowledged in %d ms while jobs was locked", millis).isLessThan(5000);
      assertThat(service.eventStatus(event.getString("id"))).isEqualTo("received");
    }
  }

  @Test
  void theRelayQueuesABurstInTheOrderEventsArrivedAndEachOnce() {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      JsonObject event = checkout();
      assertThat(service.deliver(event).statusCode()).isEqualTo(200);
      ids.add(event.getString("id"));
    }
    service.relay();
    List<String> queued = service.query("SELECT payload->>'event_id' AS event FROM jobs WHERE kind = 'stripe.apply' "
        + "AND payload->>'event_id' = ANY (?) ORDER BY jobs.id", (Object) ids.toArray(new String[0])).stream()
        .map(r -> (String) r.get("event")).toList();
    assertThat(queued).containsExactlyElementsOf(ids);
    assertThat(service.relay()).isZero();
  }

  @Test
  void acceptsEveryConfiguredSecret() {
    byte[] body = bytes(checkout());
    HttpResponse<String> r = service.post(body,
        TestSigner.header(StripeTestService.ROTATED_SECRET, TestSigner.now(), body));
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void acceptsAHeaderWithSeveralSignaturesWhenOneMatches() {
    byte[] body = bytes(checkout());
    long t = TestSigner.now();
    String other = TestSigner.header("whsec_some_other_secret", t, body).split(",")[1];
    String good = TestSigner.header(StripeTestService.SECRET, t, body).split(",")[1];
    assertThat(service.post(body, "t=" + t + "," + other + "," + good).statusCode()).isEqualTo(200);
  }

  @Test
  void typesWeDoNotHandleAreStoredIgnoredAndAnswered200() {
    JsonObject event = StripeEventFactory.envelope("customer.created", TestSigner.now(),
        new JsonObject().put("id", "cus_x").put("object", "customer"), Optional.empty());
    HttpResponse<String> r = service.deliver(event);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(service.event(event.getString("id"))).containsEntry("status", "ignored")
        .containsEntry("note", "event type customer.created is not handled");
    assertThat(service.count("SELECT count(*) FROM jobs WHERE payload->>'event_id' = ?", event.getString("id")))
        .isZero();
  }

  @Test
  void refusesAMissingHeader() {
    assertRefused(service.post(bytes(checkout()), null), "invalid_signature", "missing Stripe-Signature");
  }

  @Test
  void refusesAMalformedHeader() {
    byte[] body = bytes(checkout());
    assertRefused(service.post(body, "t=abc,v1=00"), "invalid_signature", "malformed");
    assertRefused(service.post(body, "garbage"), "invalid_signature", "signature verification failed");
  }

  @Test
  void refusesASignatureMadeWithAnotherSecret() {
    byte[] body = bytes(checkout());
    assertRefused(service.post(body, TestSigner.header("whsec_not_configured_1", TestSigner.now(), body)),
        "invalid_signature", "No signatures found matching");
  }

  @Test
  void refusesATamperedBody() {
    JsonObject event = checkout();
    byte[] body = bytes(event);
    String header = TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body);
    byte[] tampered = bytes(event.put("livemode", false).put("type", "checkout.session.completed ").copy());
    assertRefused(service.post(tampered, header), "invalid_signature", "No signatures found matching");
  }

  @Test
  void refusesAStaleTimestamp() {
    byte[] body = bytes(checkout());
    assertRefused(service.post(body, TestSigner.header(StripeTestService.SECRET, TestSigner.now() - 301, body)),
        "invalid_signature", "tolerance");
  }

  @Test
  void refusesABodyThatIsNotJson() {
    byte[] body = "this is not json".getBytes(StandardCharsets.UTF_8);
    assertRefused(service.post(body, TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body)),
        "invalid_payload", "not a JSON object");
    byte[] array = "[1,2]".getBytes(StandardCharsets.UTF_8);
    assertRefused(service.post(array, TestSigner.header(StripeTestService.SECRET, TestSigner.now(), array)),
        "invalid_payload", "not a JSON object");
  }

  @Test
  void refusesJsonThatIsNotAnEvent() {
    byte[] body = "{\"id\":\"evt_1\",\"object\":\"charge\"}".getBytes(StandardCharsets.UTF_8);
    assertRefused(service.post(body, TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body)),
        "invalid_payload", "not a Stripe event");
  }

  @Test
  void refusesABodyThatIsNotUtf8() {
    byte[] body = new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'};
    assertRefused(service.post(body, TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body)),
        "invalid_payload", "not UTF-8");
  }

  @Test
  void aCorrectlySignedEventWithANulInItsTypeIsA400WithTheReasonAndNothingIsStored() {
    // PostgreSQL cannot store a NUL in text: before, this was a 500 on every retry, for days
    for (JsonObject event : List.of(checkout().put("type", "checkout.session.completed\u0000"),
        checkout().put("api_version", "2025-12-15\u0000clover"))) {
      HttpResponse<String> r = service.deliver(event);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid_payload");
      assertThat(service.count("SELECT count(*) FROM stripe_events WHERE id = ?", event.getString("id"))).isZero();
    }
  }

  @Test
  void refusesAnEventOfTheOtherMode() {
    JsonObject event = checkout().put("livemode", true);
    HttpResponse<String> r = service.deliver(event);
    assertRefused(r, "livemode_mismatch", "livemode=true");
    assertThat(service.count("SELECT count(*) FROM stripe_events WHERE id = ?", event.getString("id"))).isZero();
  }

  @Test
  void refusesABodyOver256KiBWith413() {
    byte[] body = new byte[256 * 1024 + 1];
    Arrays.fill(body, (byte) ' ');
    HttpResponse<String> r = service.post(body, TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("payload_too_large");
  }

  @Test
  void acceptsABodyOfExactly256KiB() {
    JsonObject event = checkout();
    String compact = event.encode();
    byte[] body = (compact + " ".repeat(256 * 1024 - compact.length())).getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).isEqualTo(256 * 1024);
    assertThat(service.post(body, TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void adminEventsNeedTheBearerToken() {
    HttpResponse<String> r = service.admin("GET", "/admin/stripe/events?status=ignored");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(service.admin("GET", "/admin/stripe/events?status=bogus").statusCode()).isEqualTo(400);
    assertThat(service.admin("POST", "/admin/stripe/events/evt_unknown/replay").statusCode()).isEqualTo(404);
    try {
      var anon = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          service.uri("/admin/stripe/events")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(anon.statusCode()).isEqualTo(401);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readsTheRawBytesWhateverTheContentType() throws Exception {
    byte[] body = bytes(checkout());
    var request = java.net.http.HttpRequest.newBuilder(service.uri(StripeWebhookHandler.PATH))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Stripe-Signature", TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
    var r = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void refusesAChunkedBodyOver256KiBWith413() throws Exception {
    byte[] body = new byte[300 * 1024];
    Arrays.fill(body, (byte) ' ');
    var request = java.net.http.HttpRequest.newBuilder(service.uri(StripeWebhookHandler.PATH))
        .header("Stripe-Signature", TestSigner.header(StripeTestService.SECRET, TestSigner.now(), body))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
        .build();
    var r = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("payload_too_large");
  }
}

package io.caprovisioner.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.caprovisioner.testing.TestService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SMTP_URL pointing at a real SMTP server in the JVM (GreenMail, with a login): the welcome of a
 * tenant that reached {@code active} (mock cluster in CRUD mode, see {@link MailServiceFixture})
 * arrives exactly once, also when the server was down for 30 s or the service restarted between
 * the commit and the send; a 5xx refusal marks the message failed for operators.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class SmtpDeliveryTest {
  static KubernetesClient client;
  private static final String EMAIL = "registrar@museum.example";
  private final int smtpPort = freePort();
  private final HttpClient http = HttpClient.newHttpClient();
  private MailServiceFixture service;
  private GreenMail smtp;

  @AfterEach
  void close() {
    if (service != null) {
      service.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
  }

  private GreenMail startSmtp() {
    GreenMail g = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer@cloud.example.org", "mailer", "s3cret"));
    g.start();
    return g;
  }

  private Map<String, String> smtpEnv() {
    return Map.of("SMTP_URL", "smtp://mailer:s3cret@127.0.0.1:" + smtpPort + "?starttls=disabled",
        "MAIL_FROM", "Museum Cloud <hello@cloud.example.org>");
  }

  @Test
  void theWelcomeArrivesOnceAfterTheSmtpServerWasDownForThirtySeconds() throws Exception {
    smtp = startSmtp();
    service = new MailServiceFixture(client, smtpEnv());
    smtp.stop();
    Instant down = Instant.now();
    byte[] checkout = service.checkoutEvent(EMAIL, "sub_smtp1");
    for (int i = 0; i < 6; i++) {
      assertThat(service.deliver(checkout).statusCode()).isEqualTo(200);
    }
    // active, and the hand-over tried and refused (connection refused: temporary)
    await().atMost(Duration.ofSeconds(120)).until(() -> !service.rows(
        "SELECT 1 FROM outbound_messages WHERE attempts >= 1 AND last_error IS NOT NULL AND status = 'pending'")
        .isEmpty());
    Thread.sleep(Math.max(0, Duration.ofSeconds(30).minus(Duration.between(down, Instant.now())).toMillis()));
    Instant up = Instant.now();
    smtp = startSmtp();
    assertThat(smtp.waitForIncomingEmail(90_000, 1)).isTrue();
    Thread.sleep(3000);
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    ReceivedMail mail = ReceivedMail.of(smtp.getReceivedMessages()[0]);
    assertThat(mail.to()).isEqualTo(EMAIL);
    assertThat(mail.from()).isEqualTo("Museum Cloud <hello@cloud.example.org>");
    assertThat(mail.subject()).isEqualTo("Your CollectiveAccess Cloud site is ready");
    var row = service.rows("SELECT status, attempts, sent_at FROM outbound_messages").get(0);
    assertThat(row.getString(0)).isEqualTo("sent");
    assertThat(row.getInteger(1)).isGreaterThan(1);
    assertThat(row.getOffsetDateTime(2).toInstant()).isAfter(up);
    // the link from the received message works (once)
    HttpResponse<String> shown = post(mail.credentialsLink());
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.body()).contains("id=\"password\"");
    assertThat(post(mail.credentialsLink()).statusCode()).isEqualTo(410);
  }

  @Test
  void aRestartBetweenTheCommitAndTheSendStillSendsItOnce() throws Exception {
    service = new MailServiceFixture(client, smtpEnv());
    byte[] checkout = service.checkoutEvent(EMAIL, "sub_smtp2");
    for (int i = 0; i < 6; i++) {
      assertThat(service.deliver(checkout).statusCode()).isEqualTo(200);
    }
    // committed with the status (the SMTP server is not there yet), then the service goes away
    await().atMost(Duration.ofSeconds(120)).until(() -> !service.rows(
        "SELECT 1 FROM outbound_messages WHERE attempts >= 1 AND status = 'pending'").isEmpty());
    service.stop();
    smtp = startSmtp();
    service.start();
    for (int i = 0; i < 6; i++) {
      assertThat(service.deliver(checkout).statusCode()).isEqualTo(200);
    }
    assertThat(smtp.waitForIncomingEmail(90_000, 1)).isTrue();
    Thread.sleep(3000);
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    assertThat(service.rows("SELECT status FROM outbound_messages").get(0).getString(0)).isEqualTo("sent");
  }

  @Test
  void aPermanentRefusalMarksTheMessageFailedAndAnOperatorCanResendIt() throws Exception {
    try (RefusingSmtpServer refusing = new RefusingSmtpServer("550 5.1.1 {address}: no such mailbox here")) {
      service = new MailServiceFixture(client, Map.of("SMTP_URL", "smtp://127.0.0.1:" + refusing.port()
          + "?starttls=disabled"));
      service.deliver(service.checkoutEvent(EMAIL, "sub_smtp3"));
      await().atMost(Duration.ofSeconds(120)).until(() -> !service.rows(
          "SELECT 1 FROM outbound_messages WHERE status = 'failed'").isEmpty());
      assertThat(refusing.refusals.get()).isEqualTo(1);

      JsonArray failed = new JsonArray(admin("GET", "/admin/messages?status=failed").body());
      assertThat(failed).hasSize(1);
      JsonObject m = failed.getJsonObject(0);
      assertThat(m.getString("kind")).isEqualTo("welcome");
      assertThat(m.getString("last_error")).contains("550").contains("no such mailbox").doesNotContain(EMAIL);
      assertThat(admin("GET", "/admin/messages?status=bogus").statusCode()).isEqualTo(400);
      assertThat(admin("POST", "/admin/messages/999/resend").statusCode()).isEqualTo(404);
      assertThat(admin("POST", "/admin/messages/abc/resend").statusCode()).isEqualTo(400);

      // a 4xx is temporary: retried, not failed
      refusing.reply = "451 4.3.0 {address}: try again later";
      assertThat(admin("POST", "/admin/messages/" + m.getLong("id") + "/resend").statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(60)).until(() -> refusing.refusals.get() >= 3);
      assertThat(service.rows("SELECT status FROM outbound_messages").get(0).getString(0)).isEqualTo("pending");
      assertThat(new JsonArray(admin("GET", "/admin/messages?status=pending").body()).getJsonObject(0)
          .getString("last_error")).contains("451").doesNotContain(EMAIL);
    }
  }

  private HttpResponse<String> admin(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(service.uri(path)).header("Authorization", "Bearer " + TestService.TOKEN)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

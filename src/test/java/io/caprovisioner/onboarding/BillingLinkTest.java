package io.caprovisioner.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.crypto.BillingLinks;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /billing/{token}} against a fake Stripe API in the JVM: a valid signed link creates a
 * Billing Portal session for the tenant's customer (the exact form posted to
 * {@code /v1/billing_portal/sessions}) and redirects there; tampered and expired links are
 * refused with a page; without a Stripe key a page says so.
 */
class BillingLinkTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<String> posted = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final BillingLinks links = new BillingLinks(TestService.SECRET_KEY);
  private HttpServer stripe;
  private DatabaseUrl db;
  private ProvisionerService service;
  private long tenantId;

  @BeforeEach
  void start() throws Exception {
    stripe = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (req.method().name().equals("POST") && req.path().equals("/v1/billing_portal/sessions")) {
        posted.add(body.toString());
        authorizations.add(req.getHeader("Authorization"));
        req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("id", "bps_test_1").put("object", "billing_portal.session").put("customer", "cus_billing1")
            .put("livemode", false).put("url", "https://billing.stripe.com/p/session/test_abc").encode());
      } else {
        req.response().setStatusCode(404).end("{\"error\":{\"message\":\"no route\"}}");
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    db = TestPostgres.freshDatabase();
    service = start(Map.of("STRIPE_SECRET_KEY", "sk_test_billing_123456789",
        "STRIPE_API_BASE", "http://127.0.0.1:" + stripe.actualPort(), "BASE_DOMAIN", "sites.example.org"));
    tenantId = insertTenant();
  }

  private ProvisionerService start(Map<String, String> env) throws Exception {
    return TestService.start(db, Files.createTempDirectory("billing"), env);
  }

  @AfterEach
  void stop() {
    service.stop();
    vertx.close();
  }

  @Test
  void aValidLinkOpensTheBillingPortalOfTheTenantsCustomer() throws Exception {
    HttpResponse<String> r = get("/billing/" + links.sign(tenantId, Instant.now().plus(Duration.ofDays(1))));
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).contains("https://billing.stripe.com/p/session/test_abc");
    assertThat(posted).hasSize(1);
    assertThat(form(posted.get(0))).isEqualTo(Map.of("customer", "cus_billing1",
        "return_url", "https://tenant-billme.sites.example.org"));
    assertThat(authorizations.get(0)).isEqualTo("Bearer sk_test_billing_123456789");
  }

  @Test
  void tamperedAndExpiredLinksAreRefusedWithAPage() throws Exception {
    String good = links.sign(tenantId, Instant.now().plus(Duration.ofDays(1)));
    char last = good.charAt(5);
    String tampered = good.substring(0, 5) + (last == 'A' ? 'B' : 'A') + good.substring(6);
    for (String token : List.of(tampered, "not-a-token", good + "x", "%00")) {
      HttpResponse<String> r = get("/billing/" + token);
      assertThat(r.statusCode()).as(token).isEqualTo(403);
      assertThat(r.body()).contains("This billing link is not valid");
    }
    // another tenant's id with a signature of its own is still not a signature of ours
    String forged = new BillingLinks("another-secret-key-0123456789abcdef0123").sign(tenantId,
        Instant.now().plus(Duration.ofDays(1)));
    assertThat(get("/billing/" + forged).statusCode()).isEqualTo(403);
    HttpResponse<String> expired = get("/billing/" + links.sign(tenantId, Instant.now().minusSeconds(5)));
    assertThat(expired.statusCode()).isEqualTo(410);
    assertThat(expired.body()).contains("This billing link has expired");
    assertThat(posted).isEmpty();
  }

  @Test
  void withoutAStripeKeyAPageSaysSo() throws Exception {
    service.stop();
    service = start(Map.of("BASE_DOMAIN", "sites.example.org"));
    HttpResponse<String> r = get("/billing/" + links.sign(tenantId, Instant.now().plus(Duration.ofDays(1))));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("Billing is not connected").contains("STRIPE_SECRET_KEY");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new TreeMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private long insertTenant() throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      c.createStatement().execute("INSERT INTO users (email) VALUES ('billing@museum.example')");
      ResultSet rs = c.createStatement().executeQuery("INSERT INTO tenants (user_id, name, namespace, "
          + "helm_release_name, domain, db_name, db_user, app_name, plan, source, status) SELECT id, 'billme', "
          + "'tenant-billme', 'tenant-billme', 'tenant-billme.sites.example.org', 'ca_billme', 'ca_billme', "
          + "'ca_billme', 'starter', 'stripe', 'active' FROM users RETURNING id");
      rs.next();
      long id = rs.getLong(1);
      c.createStatement().execute("INSERT INTO subscriptions (user_id, tenant_id, stripe_customer_id, "
          + "stripe_subscription_id) SELECT user_id, id, 'cus_billing1', 'sub_billing1' FROM tenants");
      return id;
    }
  }
}

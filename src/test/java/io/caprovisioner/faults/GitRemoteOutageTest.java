package io.caprovisioner.faults;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's gitops remote that goes away (10 s, then 60 s) while tenants are provisioned
 * through it, then comes back: the whole service in-process, its remote a real bare repository
 * that the test moves out of place and back. Each tenant is committed exactly once, soon after the
 * remote is back, and the wait costs no attempt. The import's poll is made rare, so only the
 * breaker's probe can notice the return. No DB_HOST: tenants stop, waiting, at mysql.create.
 */
@Tag("faults")
class GitRemoteOutageTest {
  /** The breaker's probe looks at most every 30 s; a commit may need a few seconds more. */
  private static final Duration SOON = Duration.ofSeconds(40);

  @TempDir
  Path tmp;

  @Test
  void aRemoteGoneTenAndSixtySecondsGetsEachTenantCommittedOnceSoonAfterItIsBackWithoutSpendingAnAttempt()
      throws Exception {
    DatabaseUrl db = TestPostgres.freshDatabase();
    Path remote = tmp.resolve("gitops.git");
    Path away = tmp.resolve("gitops-away.git");
    git(tmp, "init", "-q", "--bare", "-b", "main", remote.toString());
    ProvisionerService service = TestService.start(db, tmp.resolve("home"), Map.of(
        "GITOPS_REPO_URL", remote.toUri().toString(), "GITOPS_POLL_INTERVAL", "3600"));
    try {
      TestHttp http = new TestHttp(service.port(), TestService.TOKEN);
      List<String> before = provision(http, "calm", 3);
      awaitCommitted(remote, before, Duration.ofSeconds(60));

      List<String> all = new ArrayList<>(before);
      for (int outageSeconds : new int[] {10, 60}) {
        // a batch is on its way to git when the remote vanishes, another arrives while it is gone
        List<String> inFlight = provision(http, "flight" + outageSeconds, 3);
        long goneAt = System.currentTimeMillis();
        Files.move(remote, away);
        List<String> during = provision(http, "gone" + outageSeconds, 3);
        await().atMost(Duration.ofSeconds(outageSeconds)).until(() -> count(db,
            "SELECT count(*) FROM tenants WHERE status_detail LIKE 'waiting at git.commit: the gitops repository "
            + "is unreachable%'") >= during.size());
        Thread.sleep(Math.max(0, goneAt + outageSeconds * 1000L - System.currentTimeMillis()));
        Files.move(away, remote);
        long backAt = System.currentTimeMillis();

        List<String> batch = new ArrayList<>(inFlight);
        batch.addAll(during);
        awaitCommitted(remote, batch, SOON);
        System.out.printf("gitops remote gone %d s: every tenant committed %d ms after it was back%n", outageSeconds,
            System.currentTimeMillis() - backAt);
        all.addAll(batch);
      }

      Map<String, Long> commits = commitsPerTenant(remote);
      assertThat(all).allSatisfy(ns -> assertThat(commits.get(ns)).as("commits of " + ns).isEqualTo(1L));
      // each reconcile went on to wait at mysql.create (no DB_HOST): nothing failed, nothing spent
      await().atMost(Duration.ofSeconds(30)).until(() -> count(db, "SELECT count(*) FROM tenants WHERE "
          + "status_detail LIKE 'waiting at mysql.create%'") == all.size());
      assertThat(count(db, "SELECT count(*) FROM jobs WHERE kind = 'tenant.reconcile'")).isEqualTo(all.size());
      assertThat(SpentAttempts.count(db)).as(() -> SpentAttempts.describe(db)).isZero();
      assertThat(count(db, "SELECT count(*) FROM provisioning_logs WHERE status = 'failed'"))
          .as("steps that failed").isZero();
      assertThat(count(db, "SELECT count(*) FROM tenants WHERE status <> 'provisioning'")).isZero();
    } finally {
      service.stop();
    }
  }

  private static List<String> provision(TestHttp http, String prefix, int n) {
    List<String> namespaces = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestHttp.Response r = http.post("/tenants/provision", "{\"email\":\"curator@" + prefix + i
          + ".example\",\"plan\":\"starter\",\"name\":\"" + prefix + "-" + i + "\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      namespaces.add(r.object().getString("namespace"));
    }
    return namespaces;
  }

  private static void awaitCommitted(Path remote, List<String> namespaces, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(250))
        .until(() -> commitsPerTenant(remote).keySet().containsAll(namespaces));
  }

  /** The {@code Tenant:} trailer of every commit on the remote's branch, counted. */
  private static Map<String, Long> commitsPerTenant(Path remote) {
    // moved away, or not yet given its first commit
    if (!Files.exists(remote.resolve("HEAD")) || git(remote, "for-each-ref", "refs/heads/main").isBlank()) {
      return Map.of();
    }
    return git(remote, "log", "--format=%(trailers:key=Tenant,valueonly)", "main").lines().map(String::strip)
        .filter(s -> !s.isEmpty()).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  static long count(DatabaseUrl db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

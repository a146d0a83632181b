package io.caprovisioner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.testing.TestService;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's PostgreSQL crash and freeze during a stream of Stripe webhooks. Whatever the
 * service acknowledged (200) is stored, checked one by one after the outages; while the database
 * is down or frozen the service answers 5xx (Stripe retries those) and answers fast, since Stripe
 * cannot retry a request that hangs past its own timeout. The whole service in-process; its
 * PostgreSQL is a real server of the test's own, killed with SIGKILL and restarted on its data,
 * then stopped with SIGSTOP and resumed.
 */
@Tag("faults")
class PostgresOutageTest {
  /** A frozen database must not hold a webhook longer than this (Stripe gives up after ~10-20 s). */
  private static final long FAST_MS = 8_000;

  @TempDir
  Path home;
  @TempDir
  Path data;

  @Test
  void acknowledgedMeansStoredThroughACrashAndAFreezeAndTheOutageIsFast5xx() throws Exception {
    try (CrashablePostgres pg = new CrashablePostgres(data)) {
      ProvisionerService service = TestService.start(pg.url(), home, Map.of("JOB_WORKERS", "0"));
      List<WebhookStream.Delivery> all;
      long crashFrom;
      long crashTo;
      long freezeFrom;
      long freezeTo;
      try (WebhookStream stream = new WebhookStream(TestService.WEBHOOK_SECRET, service::port, 4)) {
        Thread.sleep(3_000);
        crashFrom = System.currentTimeMillis();
        pg.crash();
        Thread.sleep(6_000);
        pg.restart();
        crashTo = System.currentTimeMillis();
        Thread.sleep(5_000);
        freezeFrom = System.currentTimeMillis();
        pg.freeze();
        Thread.sleep(12_000);
        pg.thaw();
        freezeTo = System.currentTimeMillis();
        Thread.sleep(5_000);
        stream.close();
        all = stream.deliveries();
      } finally {
        service.stop();
      }

      // the timeline, for whoever reads a failure: per second after the start, answers by status
      long start = all.stream().mapToLong(WebhookStream.Delivery::sentAtMs).min().orElse(0);
      System.out.printf("crash %d-%d ms, freeze %d-%d ms%n", crashFrom - start, crashTo - start, freezeFrom - start,
          freezeTo - start);
      all.stream().collect(java.util.stream.Collectors.groupingBy(d -> (d.sentAtMs() - start) / 1000,
              java.util.TreeMap::new, java.util.stream.Collectors.toList()))
          .forEach((second, ds) -> System.out.printf("%3ds: %s, slowest %d ms%n", second,
              ds.stream().collect(java.util.stream.Collectors.groupingBy(WebhookStream.Delivery::status,
                  java.util.stream.Collectors.counting())),
              ds.stream().mapToLong(WebhookStream.Delivery::tookMs).max().orElse(0)));
      Set<String> stored = new HashSet<>();
      try (Connection c = DriverManager.getConnection(pg.url().jdbcUrl(), "postgres", null);
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM stripe_events")) {
        while (rs.next()) {
          stored.add(rs.getString(1));
        }
      }
      List<String> acked = all.stream().filter(WebhookStream.Delivery::acked).map(WebhookStream.Delivery::eventId)
          .toList();
      assertThat(acked).hasSizeGreaterThan(50);
      assertThat(stored).as("every acknowledged event is stored").containsAll(acked);

      // what was sent well inside each outage: refused with a 5xx (or the connection), and fast
      List<WebhookStream.Delivery> duringCrash = all.stream()
          .filter(d -> d.sentAtMs() > crashFrom + 500 && d.sentAtMs() + d.tookMs() < crashTo - 500).toList();
      List<WebhookStream.Delivery> duringFreeze = all.stream()
          .filter(d -> d.sentAtMs() > freezeFrom + 500 && d.sentAtMs() < freezeTo - 1_000).toList();
      assertThat(duringCrash).isNotEmpty().allMatch(d -> d.status() >= 500 && d.tookMs() < FAST_MS);
      // a frozen server answers nothing: each delivery gets its 503 at the store's deadline
      // (one sent just before the thaw may still be stored and acknowledged)
      assertThat(duringFreeze).anyMatch(d -> d.status() == 503)
          .allMatch(d -> (d.status() == 503 || d.acked()) && d.tookMs() < FAST_MS, "an answer within " + FAST_MS + " ms");
      // and it comes back by itself: acknowledged again after each outage
      assertThat(all).anyMatch(d -> d.acked() && d.sentAtMs() > crashTo && d.sentAtMs() < freezeFrom);
      assertThat(all).anyMatch(d -> d.acked() && d.sentAtMs() > freezeTo);
    }
  }
}

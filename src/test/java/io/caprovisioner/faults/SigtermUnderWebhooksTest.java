package io.caprovisioner.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.cli.Main;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestPrometheus;
import io.caprovisioner.testing.TestService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's rolling restarts: {@code serve} as a real process gets SIGTERM a few seconds after
 * each start, again and again, under a stream of signed webhooks. Whatever it acknowledged before
 * stopping is stored: a drain never answers 200 for an event it then drops. Real PostgreSQL; the
 * process is the main classes with the service's own logging, restarted on the same port.
 */
@Tag("faults")
class SigtermUnderWebhooksTest {
  private static final int RESTARTS = 5;

  @TempDir
  Path tmp;

  @Test
  void nothingAcknowledgedIsLostAcrossRepeatedSigterms() throws Exception {
    DatabaseUrl db = TestPostgres.freshDatabase();
    int port = TestPrometheus.freePort();
    Map<String, String> env = TestService.env(db, tmp.resolve("home"), Map.of("PORT", Integer.toString(port),
        "MANAGEMENT_PORT", Integer.toString(TestPrometheus.freePort()), "DRAIN_DELAY_SECONDS", "0",
        "JOB_WORKERS", "0"));
    List<WebhookStream.Delivery> all;
    int exitedCleanly = 0;
    try (WebhookStream stream = new WebhookStream(TestService.WEBHOOK_SECRET, () -> port, 4)) {
      for (int i = 0; i < RESTARTS; i++) {
        Process serve = start(env, tmp.resolve("serve-" + i + ".log"));
        try {
          awaitLive(serve, port);
          Thread.sleep(3_000);
          serve.destroy(); // SIGTERM
          assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
          if (serve.exitValue() == 0 || serve.exitValue() == 143) {
            exitedCleanly++;
          }
        } finally {
          serve.destroyForcibly();
        }
      }
      stream.close();
      all = stream.deliveries();
    }
    Set<String> stored = new HashSet<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM stripe_events")) {
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
    }
    List<String> acked = all.stream().filter(WebhookStream.Delivery::acked).map(WebhookStream.Delivery::eventId).toList();
    System.out.println(all.size() + " deliveries, " + acked.size() + " acknowledged, " + stored.size() + " stored, "
        + exitedCleanly + " of " + RESTARTS + " exits clean");
    assertThat(acked).hasSizeGreaterThan(RESTARTS * 10);
    assertThat(stored).as("every acknowledged event is stored").containsAll(acked);
    assertThat(exitedCleanly).isEqualTo(RESTARTS);
  }

  private static Process start(Map<String, String> env, Path log) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", classpath,
        "-Dlogback.configurationFile=" + Path.of("target/classes/logback.xml").toAbsolutePath(),
        Main.class.getName(), "serve");
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void awaitLive(Process serve, int port) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(serve.isAlive()).isTrue();
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/livez")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (java.io.IOException e) {
        return false;
      }
    });
  }
}

package io.caprovisioner.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.testing.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start during a PostgreSQL outage waits for it (with backoff) instead of exiting: the database
 * "comes back" when a TCP forwarder to the real embedded PostgreSQL starts listening on the port
 * DATABASE_URL names. A wrong password is not waited for.
 */
class StartWithoutPostgresTest {
  @TempDir
  Path home;

  private Config config(int port, String password) {
    DatabaseUrl real = TestPostgres.freshDatabase();
    Map<String, String> env = new HashMap<>(Map.of(
        "DATABASE_URL", "postgresql://" + real.user() + ":" + password + "@127.0.0.1:" + port + "/" + real.database(),
        "ADMIN_API_TOKEN", "Zq3v8Kp2Lm9Xw4Rt7Yb1Nc6Hd0Fg5Js2",
        "SECRET_KEY", "t6Yh2Qw9Er4Ui8Op3As7Df1Gh5Jk0Lz6",
        "STRIPE_WEBHOOK_SECRET", "whsec_Zq3v8Kp2Lm9Xw4Rt7Yb1Nc6",
        "PROVISIONER_HOME", home.toString()));
    return ConfigLoader.load(env);
  }

  @Test
  void aStartDuringAnOutageWaitsAndSucceedsWhenTheDatabaseIsBack() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Config config = config(port, "x");
    CompletableFuture<Database> opened = CompletableFuture.supplyAsync(() -> Database.open(config,
        Duration.ofMinutes(1)));
    Thread.sleep(3_000);
    assertThat(opened).isNotDone();

    try (Forwarder back = new Forwarder(port, TestPostgres.server().getPort())) {
      try (Database db = opened.get(60, TimeUnit.SECONDS)) {
        assertThat(db.url().port()).isEqualTo(port);
      }
    }
  }

  @Test
  void withoutPatienceOrWhenNothingWillAnswerTheStartFailsWithTheReason() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Config config = config(port, "x");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> Database.open(config, Duration.ZERO)).hasStackTraceContaining("Connection refused");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
  }

  /** Accepts on {@code listen} and copies bytes both ways to {@code target} on loopback. */
  static final class Forwarder implements AutoCloseable {
    private final ServerSocket server;

    Forwarder(int listen, int target) throws IOException {
      server = new ServerSocket(listen, 50, java.net.InetAddress.getLoopbackAddress());
      Thread accept = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket in = server.accept();
            Socket out = new Socket(java.net.InetAddress.getLoopbackAddress(), target);
            pipe(in.getInputStream(), out.getOutputStream());
            pipe(out.getInputStream(), in.getOutputStream());
          } catch (IOException e) {
            return;
          }
        }
      }, "forwarder");
      accept.setDaemon(true);
      accept.start();
    }

    private static void pipe(InputStream from, OutputStream to) {
      Thread t = new Thread(() -> {
        try {
          from.transferTo(to);
        } catch (IOException ignored) {
          // a side closed
        } finally {
          try {
            to.close();
          } catch (IOException ignored) {
            // already closed
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}

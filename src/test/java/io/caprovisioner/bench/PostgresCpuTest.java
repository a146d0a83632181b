package io.caprovisioner.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caprovisioner.db.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench counts the database's CPU too: work done by a backend shows, even after it exited. */
class PostgresCpuTest {
  @TempDir
  Path dataDir;

  @Test
  void countsTheCpuOfABackendThatHasSinceExited() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc")), "needs /proc (Linux)");
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir)) {
      PostgresCpu cpu = PostgresCpu.of(dataDir).orElseThrow();
      long before = cpu.cpuNanos();
      long started = System.nanoTime();
      try (Connection c = server.url().openJdbc(); Statement st = c.createStatement()) {
        // a second or so of pure computation in one backend, which then disconnects
        st.execute("SELECT sum(g) FROM generate_series(1, 20000000) g");
      }
      long busy = System.nanoTime() - started;
      // the postmaster adds an exited backend's times to its own once it has reaped it
      long used = 0;
      for (int i = 0; i < 50 && used < busy / 2; i++) {
        Thread.sleep(100);
        used = cpu.cpuNanos() - before;
      }
      assertThat(used).as("CPU counted for a query that kept one backend busy %d ms", busy / 1_000_000)
          .isGreaterThan(busy / 2);
    }
  }
}

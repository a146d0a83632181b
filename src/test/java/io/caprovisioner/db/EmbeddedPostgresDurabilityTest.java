package io.caprovisioner.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dev mode's embedded PostgreSQL keeps what it acknowledged through a machine crash: fsync is on. */
class EmbeddedPostgresDurabilityTest {
  @TempDir
  Path dataDir;

  @Test
  void theEmbeddedServerSyncsToDisk() throws Exception {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir);
        Connection c = DriverManager.getConnection(server.url().jdbcUrl(), server.url().user(), "");
        ResultSet fsync = c.createStatement().executeQuery("SHOW fsync");
        ResultSet commit = c.createStatement().executeQuery("SHOW synchronous_commit")) {
      fsync.next();
      commit.next();
      assertThat(fsync.getString(1)).isEqualTo("on");
      assertThat(commit.getString(1)).isEqualTo("on");
    }
  }
}

package io.caprovisioner.faults;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL of the test's own, on a fixed port and data directory, that the test can kill -9
 * and start again on the same data (a crash), or stop with SIGSTOP and resume (a freeze): the
 * server's processes get the signals, by their ids, as an operator's worst week would send them.
 */
final class CrashablePostgres implements AutoCloseable {
  static final String DATABASE = "faults";

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  CrashablePostgres(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    this.server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
        .setRegisterShutdownHook(false).setServerConfig("fsync", "on")
        // as a production server: zonky's default (off) acknowledges commits before they reach the WAL
        .setServerConfig("synchronous_commit", "on").start();
    this.port = server.getPort();
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    Migrations.migrate(url());
  }

  DatabaseUrl url() {
    return new DatabaseUrl("127.0.0.1", port, DATABASE, "postgres", null);
  }

  /** The postmaster's id, from its pid file (first line). */
  private long postmaster() throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
  }

  private List<ProcessHandle> processes() throws IOException {
    ProcessHandle main = ProcessHandle.of(postmaster()).orElseThrow();
    return Stream.concat(Stream.of(main), main.descendants()).toList();
  }

  /** kill -9 of the postmaster and every backend: nothing flushed, nothing said goodbye. */
  void crash() throws Exception {
    for (ProcessHandle p : processes()) {
      signal("KILL", p.pid());
    }
    ProcessHandle.of(postmaster()).ifPresent(p -> p.onExit().join());
    // lets go of zonky's lock on the data directory; its stop finds nothing left to stop
    try {
      server.close();
    } catch (IOException ignored) {
      // pg_ctl stop of a dead server
    }
  }

  /** Starts again on the same data and port: PostgreSQL's crash recovery runs. */
  void restart() throws IOException {
    Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
    server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
        .setRegisterShutdownHook(false).setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
        .start();
  }

  void freeze() throws Exception {
    for (ProcessHandle p : processes()) {
      signal("STOP", p.pid());
    }
  }

  void thaw() throws Exception {
    for (ProcessHandle p : processes()) {
      signal("CONT", p.pid());
    }
  }

  private static void signal(String name, long pid) throws Exception {
    new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
  }

  @Override
  public void close() throws Exception {
    try {
      thaw();
    } catch (Exception ignored) {
      // not running
    }
    server.close();
  }
}

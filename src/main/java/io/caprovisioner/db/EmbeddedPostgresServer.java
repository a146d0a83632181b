package io.caprovisioner.db;

import io.caprovisioner.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from a Maven artifact (dev mode), its data kept in a directory
 * across restarts. Listens on loopback only.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts the server on {@code dataDir}, initialising it on first use. Blocking. */
  public static EmbeddedPostgresServer start(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      stopOrphanedServer(dataDir);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          // the service stops it last, after in-flight jobs recorded their results (its own
          // hook would stop it at once on SIGTERM, in parallel with that drain)
          .setRegisterShutdownHook(false)
          .setServerConfig("listen_addresses", "127.0.0.1")
          // an acknowledged webhook must survive a crash of the service, and of the machine: zonky
          // starts the server with fsync off (-F), which only suits throwaway test databases
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("fsync", "on")
          // a replica's three pools (background, public routes, webhooks) are 32 connections at
          // most; tests and the bench run two or three services on one server
          .setServerConfig("max_connections", "200")
          .start();
      LOG.info("embedded PostgreSQL started on 127.0.0.1:{} with data in {}", pg.getPort(), dataDir);
      return new EmbeddedPostgresServer(pg);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
    }
  }

  /**
   * A service killed with SIGKILL leaves its PostgreSQL running, holding the data directory; the
   * next start would fail on its lock file. That server is ours (same data directory): shut it
   * down (SIGTERM: PostgreSQL's smart shutdown; its clients died with the old process) and wait.
   */
  static void stopOrphanedServer(Path dataDir) throws IOException {
    OptionalLong recorded = postmasterPid(dataDir);
    if (recorded.isEmpty()) {
      return;
    }
    long pid = recorded.getAsLong();
    ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .ifPresent(orphan -> {
          LOG.warn("a PostgreSQL (pid {}) left by an earlier run still holds {}: stopping it", pid, dataDir);
          orphan.destroy();
          try {
            orphan.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
          } catch (Exception e) {
            LOG.warn("PostgreSQL pid {} did not stop in 30 s: killing it", pid);
            orphan.destroyForcibly();
          }
        });
  }

  /**
   * The pid the server on {@code dataDir} recorded (the first line of its lock file); empty when
   * none is recorded or the file is unreadable. It may be stale: the caller checks the process.
   */
  public static OptionalLong postmasterPid(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  public DatabaseUrl url() {
    return new DatabaseUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", null);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}

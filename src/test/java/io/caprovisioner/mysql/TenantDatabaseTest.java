package io.caprovisioner.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.config.Config;
import io.caprovisioner.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** mysql.create's work against a real MariaDB. */
class TenantDatabaseTest {
  private static Vertx vertx;
  private static SharedMysql mysql;
  private static TenantDatabase tenantDb;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    mysql = new SharedMysql(vertx, TestMariaDb.start());
    tenantDb = new TenantDatabase(mysql);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void createsAUtf8mb4DatabaseAndAUserWithRightsOnThatDatabaseOnly() {
    String password = SecretBox.randomPassword(32);
    List<String> changes = await(tenantDb.ensure("ca_grants1", "ca_grants1", password));

    assertThat(changes).contains("created database ca_grants1", "created user ca_grants1");
    assertThat(scalar("SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA "
        + "WHERE SCHEMA_NAME = 'ca_grants1'")).isEqualTo("utf8mb4");
    List<String> grants = showGrants("ca_grants1");
    assertThat(grants).hasSize(2);
    assertThat(grants).anySatisfy(g -> assertThat(g).startsWith("GRANT USAGE ON *.* TO `ca_grants1`@`%`"));
    assertThat(grants).anySatisfy(g -> assertThat(g).isEqualTo("GRANT ALL PRIVILEGES ON `ca\\_grants1`.* TO `ca_grants1`@`%`"));
    assertThat(grants).noneMatch(g -> g.contains("GRANT OPTION"));
    assertThat(await(mysql.canLogIn("ca_grants1", password))).isTrue();
  }

  @Test
  void anUnderscoreInTheNameIsNoWildcardSoOneTenantCannotReachAnothersDatabase() {
    // slugs city-museum and cityamuseum: ca_city_museum as a grant pattern would match ca_cityamuseum
    String password = SecretBox.randomPassword(32);
    await(tenantDb.ensure("ca_cityamuseum", "ca_cityamuseum", SecretBox.randomPassword(32)));
    exec("CREATE TABLE ca_cityamuseum.secret (v INT)");
    await(tenantDb.ensure("ca_city_museum", "ca_city_museum", password));

    assertThat(await(mysql.canLogIn("ca_city_museum", password))).isTrue();
    assertThat(showGrants("ca_city_museum")).noneMatch(g -> g.contains("ON `ca_city_museum`"));
    // what MySQL itself says this user may touch
    assertThat(scalar("SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = "
        + "\"'ca_city_museum'@'%'\" AND 'ca_cityamuseum' LIKE TABLE_SCHEMA")).isEqualTo("0");
    assertThat(scalar("SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = "
        + "\"'ca_city_museum'@'%'\" AND 'ca_city_museum' LIKE TABLE_SCHEMA")).isNotEqualTo("0");
  }

  @Test
  void aWildcardGrantLeftByAnEarlierVersionIsReplaced() {
    String password = SecretBox.randomPassword(32);
    await(tenantDb.ensure("ca_old_grant", "ca_old_grant", password));
    exec("GRANT ALL PRIVILEGES ON `ca_old_grant`.* TO 'ca_old_grant'@'%'");

    assertThat(await(tenantDb.ensure("ca_old_grant", "ca_old_grant", password)))
        .anyMatch(c -> c.startsWith("revoked privileges beyond database ca_old_grant"));
    assertThat(showGrants("ca_old_grant")).hasSize(2).noneMatch(g -> g.contains("ON `ca_old_grant`"));
  }

  @Test
  void runningItAgainChangesNothing() {
    String password = SecretBox.randomPassword(32);
    await(tenantDb.ensure("ca_again", "ca_again", password));
    List<String> before = showGrants("ca_again");
    String hashBefore = scalar("SELECT authentication_string FROM mysql.user WHERE User = 'ca_again'");

    assertThat(await(tenantDb.ensure("ca_again", "ca_again", password))).isEmpty();
    assertThat(showGrants("ca_again")).isEqualTo(before);
    assertThat(scalar("SELECT authentication_string FROM mysql.user WHERE User = 'ca_again'")).isEqualTo(hashBefore);
  }

  @Test
  void removesRightsBeyondItsDatabaseAndResetsAPasswordThatNoLongerWorks() {
    String password = SecretBox.randomPassword(32);
    await(tenantDb.ensure("ca_drift", "ca_drift", password));
    exec("GRANT PROCESS ON *.* TO 'ca_drift'@'%'");
    exec("GRANT SELECT ON mysql.* TO 'ca_drift'@'%' WITH GRANT OPTION");
    exec("ALTER USER 'ca_drift'@'%' IDENTIFIED BY 'somethingElse123456'");

    List<String> changes = await(tenantDb.ensure("ca_drift", "ca_drift", password));
    assertThat(changes).anyMatch(c -> c.startsWith("revoked privileges beyond database ca_drift"))
        .contains("reset the password of user ca_drift");
    assertThat(showGrants("ca_drift")).hasSize(2).noneMatch(g -> g.contains("PROCESS") || g.contains("`mysql`"));
    assertThat(await(mysql.canLogIn("ca_drift", password))).isTrue();
  }

  @Test
  void anInjectionAttemptInANameIsRefusedBeforeAnySqlRuns() {
    // pointed at a port where nothing listens: reaching SQL would fail differently (connection refused)
    SharedMysql nowhere = new SharedMysql(vertx, new Config.TenantMysql(Optional.of("127.0.0.1"), 1, "root",
        Optional.empty()));
    TenantDatabase unreachable = new TenantDatabase(nowhere);
    String password = SecretBox.randomPassword(32);

    assertThatThrownBy(() -> unreachable.ensure("ca_x`; DROP DATABASE mysql; --", "ca_x", password))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refusing MySQL database name");
    assertThatThrownBy(() -> tenantDb.ensure("ca_evil", "ca_evil'@'%' IDENTIFIED BY 'x'; --", password))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refusing MySQL user name");
    assertThatThrownBy(() -> tenantDb.ensure("ca_evil", "ca_evil", "pw' OR '1'='1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("OR '1'");
    assertThat(scalar("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'ca_evil%'"))
        .isEqualTo("0");
    assertThat(scalar("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'mysql'")).isEqualTo("1");
  }

  @Test
  void dropRemovesDatabaseAndUserAndIsIdempotent() {
    await(tenantDb.ensure("ca_gone", "ca_gone", SecretBox.randomPassword(32)));

    assertThat(await(tenantDb.drop("ca_gone", "ca_gone"))).containsExactly("user ca_gone", "database ca_gone");
    assertThat(scalar("SELECT COUNT(*) FROM mysql.user WHERE User = 'ca_gone'")).isEqualTo("0");
    assertThat(scalar("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'ca_gone'")).isEqualTo("0");
    assertThat(await(tenantDb.drop("ca_gone", "ca_gone"))).isEmpty();
  }

  static List<String> showGrants(String user) {
    return await(mysql.admin().query("SHOW GRANTS FOR '" + user + "'@'%'").execute().map(rows -> {
      List<String> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(r.getString(0));
      }
      return out;
    }));
  }

  static String scalar(String sql) {
    return await(mysql.admin().query(sql).execute().map(rows -> String.valueOf(rows.iterator().next().getValue(0))));
  }

  static void exec(String sql) {
    await(mysql.admin().query(sql).execute());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

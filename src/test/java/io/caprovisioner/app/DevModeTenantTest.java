package io.caprovisioner.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.config.Config;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user sees on the embedded defaults (no DATABASE_URL, no DB_HOST, no cluster): the
 * service starts its own PostgreSQL and MariaDB, a tenant provisioned through the API really gets
 * its database, then waits at k8s.prepare and says where to read on; stopping the service stops
 * its MariaDB. There is no Kubernetes here at all, as on a laptop: the API server is unreachable.
 */
class DevModeTenantTest {
  @TempDir
  Path home;

  @Test
  void aTenantGetsItsDatabaseInTheEmbeddedMariaDbAndWaitsForACluster() throws Exception {
    ProvisionerService service = TestService.startInDevMode(home, Map.of());
    long mysqld;
    try {
      Config.TenantMysql mysql = service.config().mysql();
      assertThat(mysql.host()).contains("127.0.0.1");
      mysqld = Long.parseLong(Files.readString(home.resolve("mysql/data/mariadbd.pid")).trim());
      String token = Files.readString(home.resolve("secrets/admin-api-token")).trim();
      TestHttp http = new TestHttp(service.port(), token);

      TestHttp.Response created = http.post("/tenants/provision", "{\"email\":\"curator@museum.example\",\"plan\":\"pro\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      long id = created.object().getLong("id");
      String database = created.object().getString("db_name");

      JsonObject status = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
          .until(() -> http.get("/admin/tenants/" + id + "/status").object(),
              s -> s.getString("status_detail", "").startsWith("waiting at k8s.prepare"));
      assertThat(status.getString("status")).isEqualTo("provisioning");
      assertThat(status.getString("status_detail")).contains("Kubernetes API").contains("unreachable")
          .contains("\"Running against a cluster\" in the README");
      assertThat(databases(mysql, database)).containsExactly(database);
      assertThat(users(mysql, status.getString("db_user"))).containsExactly(status.getString("db_user"));
    } finally {
      service.stop();
    }
    assertThat(ProcessHandle.of(mysqld).filter(ProcessHandle::isAlive)).isEmpty();
  }

  static List<String> databases(Config.TenantMysql m, String name) throws Exception {
    return query(m, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name + "'");
  }

  static List<String> users(Config.TenantMysql m, String name) throws Exception {
    return query(m, "SELECT User FROM mysql.user WHERE User = '" + name + "' AND Host = '%'");
  }

  static List<String> query(Config.TenantMysql m, String sql) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      MySQLConnection c = MySQLConnection.connect(vertx, new MySQLConnectOptions().setHost(m.host().orElseThrow())
          .setPort(m.port()).setUser(m.user()).setPassword(m.password().orElseThrow())).toCompletionStage()
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      List<String> out = new ArrayList<>();
      for (Row r : c.query(sql).execute().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)) {
        out.add(r.getString(0));
      }
      c.close();
      return out;
    } finally {
      vertx.close();
    }
  }
}

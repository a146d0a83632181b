package io.caprovisioner.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.jobs.QueueFixture;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service with no backup storage (no BACKUP_S3_*, as a laptop runs it) refuses what needs it
 * with a 409 naming the variable, and records nothing: a recorded backup could only wait, and
 * hold every later change of its tenant (a password reset, a plan change) behind it. Real HTTP,
 * real PostgreSQL, the runner on.
 */
class BackupStorageMissingTest {
  @TempDir
  static Path home;
  static ProvisionerService service;
  static TestHttp http;
  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void start() {
    DatabaseUrl db = TestPostgres.freshDatabase();
    service = TestService.start(db, home, Map.of());
    http = new TestHttp(service.port(), TestService.TOKEN);
    vertx = Vertx.vertx();
    pool = QueueFixture.pool(vertx, db, 2);
  }

  @AfterAll
  static void stop() {
    pool.close();
    vertx.close();
    service.stop();
  }

  @Test
  void backupsRestoresAndRolloutsAreRefusedNamingTheMissingStorageAndNothingIsRecorded() {
    TestHttp.Response created = http.post("/tenants/provision",
        "{\"email\":\"a@nostorage.org\",\"plan\":\"pro\",\"name\":\"nostorage\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.object().getLong("id");
    QueueFixture.await(pool.preparedQuery("UPDATE tenants SET status = 'active' WHERE id = $1").execute(Tuple.of(id)));

    TestHttp.Response backup = http.post("/admin/tenants/" + id + "/backups", null);
    assertThat(backup.status()).as(backup.body()).isEqualTo(409);
    assertThat(backup.object().getString("detail")).contains("a backup needs backup storage")
        .contains("BACKUP_S3_ENDPOINT is not set");
    TestHttp.Response restore = http.post("/admin/tenants/" + id + "/restore", "{\"backup_id\":1}");
    assertThat(restore.status()).as(restore.body()).isEqualTo(409);
    assertThat(restore.object().getString("detail")).contains("BACKUP_S3_ENDPOINT");
    TestHttp.Response rollout = http.post("/admin/rollouts",
        "{\"image\":\"registry.example.org/providence:2.1.0\",\"selector\":{\"all\":true},\"waves\":[\"100%\"]}");
    assertThat(rollout.status()).as(rollout.body()).isEqualTo(409);
    assertThat(rollout.object().getString("detail")).contains("a rollout").contains("BACKUP_S3_ENDPOINT");
    // bad input still gets its own 400 first
    assertThat(http.post("/admin/rollouts", "{\"selector\":{\"all\":true},\"waves\":[\"100%\"]}").status())
        .isEqualTo(400);

    assertThat(http.get("/admin/tenants/" + id + "/backups").object().getJsonArray("backups")).isEmpty();
    assertThat(http.get("/admin/rollouts").body()).doesNotContain("providence:2.1.0");
    JsonObject status = http.get("/admin/tenants/" + id + "/status").object();
    assertThat(status.getJsonArray("intents").stream().map(i -> ((JsonObject) i).getString("kind")))
        .doesNotContain("backup", "restore");
  }
}

package io.caprovisioner.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.jobs.QueueFixture;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestS3;
import io.caprovisioner.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup and restore routes over real HTTP, on a real PostgreSQL, with the job runner off
 * (JOB_WORKERS=0): what is seen is exactly what the API recorded. BackupStepTest takes and
 * restores backups for real.
 */
class BackupApiTest {
  @TempDir
  static Path home;
  static ProvisionerService service;
  static TestHttp http;
  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void start() {
    DatabaseUrl db = TestPostgres.freshDatabase();
    service = TestService.start(db, home, withStorage(Map.of("JOB_WORKERS", "0")));
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

  private static long tenant(String name, String status) {
    TestHttp.Response r = http.post("/tenants/provision", "{\"email\":\"a@" + name + ".org\",\"plan\":\"pro\",\"name\":\""
        + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    long id = r.object().getLong("id");
    QueueFixture.await(pool.preparedQuery("UPDATE tenants SET status = $2 WHERE id = $1").execute(Tuple.of(id, status)));
    return id;
  }

  private static TestHttp.Response postWithKey(String path, String key) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.port() + path)).header("Authorization", "Bearer " + TestService.TOKEN)
        .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    return new TestHttp.Response(r.statusCode(), r.body(), r.headers());
  }

  @Test
  void anOnDemandBackupIsRecordedOnceAndListed() throws Exception {
    long id = tenant("backup-one", "active");
    TestHttp.Response first = postWithKey("/admin/tenants/" + id + "/backups", "nightly-check 1");
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    JsonObject backup = first.object().getJsonObject("backup");
    assertThat(backup.getString("kind")).isEqualTo("on-demand");
    assertThat(backup.getString("status")).isEqualTo("requested");
    TestHttp.Response again = postWithKey("/admin/tenants/" + id + "/backups", "nightly-check 1");
    assertThat(again.object().getJsonObject("backup").getLong("id")).isEqualTo(backup.getLong("id"));
    assertThat(http.post("/admin/tenants/" + id + "/backups", null).status()).isEqualTo(202); // a second one

    TestHttp.Response list = http.get("/admin/tenants/" + id + "/backups");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.object().getJsonArray("backups")).hasSize(2);
    JsonObject oldest = list.object().getJsonArray("backups").getJsonObject(1);
    assertThat(oldest.fieldNames()).contains("requested_at", "size_bytes", "kind", "sha256", "status");
    // the request is an intent of the tenant's reconcile
    JsonObject status = http.get("/admin/tenants/" + id + "/status").object();
    assertThat(status.getJsonArray("intents").stream().map(i -> ((JsonObject) i).getString("kind")))
        .contains("backup");
  }

  @Test
  void badBackupRequestsAreRefusedWithTheReason() {
    assertThat(http.post("/admin/tenants/999999/backups", null).status()).isEqualTo(404);
    assertThat(http.get("/admin/tenants/999999/backups").status()).isEqualTo(404);
    long pending = tenant("backup-two", "pending");
    TestHttp.Response r = http.post("/admin/tenants/" + pending + "/backups", null);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.object().getString("detail")).contains("only an active or suspended tenant can be backed up");
    assertThat(http.get("/admin/tenants/" + pending + "/backups").object().getJsonArray("backups")).isEmpty();
  }

  @Test
  void aRestoreNeedsOneOfTheTenantsOwnBackupsThatIsDone() {
    long id = tenant("backup-three", "active");
    long other = tenant("backup-four", "active");
    long requested = http.post("/admin/tenants/" + id + "/backups", null).object().getJsonObject("backup").getLong("id");
    long othersBackup = http.post("/admin/tenants/" + other + "/backups", null).object().getJsonObject("backup")
        .getLong("id");

    String path = "/admin/tenants/" + id + "/restore";
    assertThat(http.post(path, null).status()).isEqualTo(400);
    assertThat(http.post(path, "{}").object().getString("detail")).startsWith("backup_id is required");
    assertThat(http.post(path, "{\"backup_id\":\"7\"}").status()).isEqualTo(400);
    assertThat(http.post(path, "{\"backup_id\":" + requested + ",\"force\":true}").object().getString("detail"))
        .contains("unknown field 'force'");
    TestHttp.Response foreign = http.post(path, "{\"backup_id\":" + othersBackup + "}");
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(foreign.object().getString("detail")).contains("is not a backup of tenant tenant-backup-three");
    TestHttp.Response notDone = http.post(path, "{\"backup_id\":" + requested + "}");
    assertThat(notDone.status()).isEqualTo(409);
    assertThat(notDone.object().getString("detail")).contains("is requested; only a backup that is done can be restored");

    QueueFixture.await(pool.preparedQuery("UPDATE backups SET status = 'done', sha256 = 'ab', size_bytes = 1, "
        + "object_key = 'k' WHERE id = $1").execute(Tuple.of(requested)));
    TestHttp.Response accepted = http.post(path, "{\"backup_id\":" + requested + "}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    assertThat(accepted.object().getLong("backup_id")).isEqualTo(requested);
    assertThat(accepted.object().getLong("restore_id")).isPositive();
    // suspended: no restore
    QueueFixture.await(pool.preparedQuery("UPDATE tenants SET status = 'suspended' WHERE id = $1").execute(Tuple.of(id)));
    assertThat(http.post(path, "{\"backup_id\":" + requested + "}").status()).isEqualTo(409);
  }

  @Test
  void theRoutesNeedTheToken() {
    TestHttp anonymous = new TestHttp(service.port(), null);
    assertThat(anonymous.post("/admin/tenants/1/backups", null).status()).isEqualTo(401);
    assertThat(anonymous.get("/admin/tenants/1/backups").status()).isEqualTo(401);
    assertThat(anonymous.post("/admin/tenants/1/restore", "{\"backup_id\":1}").status()).isEqualTo(401);
  }

  /** Storage set, never reached (the runner is off); BackupStorageMissingTest runs without it. */
  private static Map<String, String> withStorage(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(TestS3.unreachedEnv());
    return all;
  }
}

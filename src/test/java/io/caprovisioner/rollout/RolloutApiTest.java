package io.caprovisioner.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.cli.Cli;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestS3;
import io.caprovisioner.testing.TestService;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout routes and the {@code fleet} CLI against the running service on a real PostgreSQL.
 * The job runner is off (JOB_WORKERS=0): a started rollout stays as recorded, so what is seen is
 * what the API stored; {@link FleetRolloutTest} runs rollouts.
 */
class RolloutApiTest {
  @TempDir
  static Path home;
  static ProvisionerService service;
  static TestHttp http;
  static DatabaseUrl db;

  @BeforeAll
  static void start() throws Exception {
    db = TestPostgres.freshDatabase();
    service = TestService.start(db, home, withStorage(Map.of("JOB_WORKERS", "0")));
    http = new TestHttp(service.port(), TestService.TOKEN);
    for (String plan : new String[] {"starter", "starter", "pro"}) {
      TestHttp.Response r = http.post("/tenants/provision", new JsonObject().put("email", "c@museum.example")
          .put("plan", plan).encode());
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
    // as if their provisioning had run: this test is about the routes
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + db.host() + ":" + db.port() + "/"
        + db.database(), db.user(), "")) {
      c.createStatement().executeUpdate("UPDATE tenants SET status = 'active'");
    }
  }

  @AfterAll
  static void stop() {
    service.stop();
  }

  private static Map<String, String> cliEnv() {
    return new HashMap<>(TestService.env(db, home, Map.of()));
  }

  @Test
  void badInputIsA400NamingTheFieldAndNothingIsStored() {
    TestHttp.Response noTarget = http.post("/admin/rollouts", "{\"selector\": {\"all\": true}, \"waves\": [\"100%\"]}");
    assertThat(noTarget.status()).isEqualTo(400);
    assertThat(noTarget.object().getString("detail")).contains("chart_version and/or image");
    TestHttp.Response badWave = http.post("/admin/rollouts", "{\"image\": \"r/ca:2\", \"selector\": {\"all\": true},"
        + " \"waves\": [1, \"half\"]}");
    assertThat(badWave.status()).isEqualTo(400);
    assertThat(badWave.object().getString("detail")).contains("waves[1]");
    TestHttp.Response shortWaves = http.post("/admin/rollouts", "{\"image\": \"r/ca:2\", \"selector\": {\"all\": true},"
        + " \"waves\": [1]}");
    assertThat(shortWaves.status()).isEqualTo(400);
    assertThat(shortWaves.object().getString("detail")).contains("reach 1 of the 3");
    TestHttp.Response unknown = http.post("/admin/rollouts", "{\"image\": \"r/ca:2\", \"selector\": {\"all\": true},"
        + " \"waves\": [\"100%\"], \"speed\": 3}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.object().getString("detail")).contains("speed");
    assertThat(http.post("/admin/rollouts", "not json").status()).isEqualTo(400);
    assertThat(http.get("/admin/rollouts/999").status()).isEqualTo(404);
    assertThat(http.get("/admin/rollouts/x").status()).isEqualTo(400);
    assertThat(http.get("/admin/rollouts").status()).isEqualTo(200);
  }

  @Test
  void aRolloutIsRecordedWithItsWavesOneAtATimeAndTheCliShowsAndAbortsIt() {
    TestHttp.Response started = http.post("/admin/rollouts", "{\"image\": \"registry.example.org/providence:2.1.0\","
        + " \"selector\": {\"plan\": \"starter\"}, \"waves\": [1, \"100%\"], \"failure_budget\": 1}");
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    JsonObject r = started.object();
    long id = r.getLong("id");
    assertThat(r.getString("state")).isEqualTo("running");
    assertThat(r.getInteger("tenants")).isEqualTo(2);
    assertThat(r.getJsonArray("waves").getJsonObject(0).getJsonObject("counts").getLong("pending")).isEqualTo(1);

    TestHttp.Response second = http.post("/admin/rollouts", "{\"chart_version\": \"0.3.0\", \"selector\": {\"all\": true},"
        + " \"waves\": [\"100%\"]}");
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.object().getString("detail")).contains("another rollout");
    assertThat(http.post("/admin/rollouts/" + id + "/resume", "").status()).isEqualTo(409);
    assertThat(http.post("/admin/rollouts/" + id + "/tenants/1/rollback", "").status()).isEqualTo(409);

    Cli.Result status = Cli.run(cliEnv(), "fleet", "status", Long.toString(id), "--url",
        "http://127.0.0.1:" + service.port());
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("rollout " + id + ": running, wave 0 of 2")
        .contains("wave 1 (1 tenants): 1 pending").contains("wave 2 (1 tenants): 1 pending");

    Cli.Result abort = Cli.run(cliEnv(), "fleet", "abort", Long.toString(id), "--url",
        "http://127.0.0.1:" + service.port());
    assertThat(abort.exit()).as(abort.err()).isZero();
    assertThat(abort.out()).contains("aborted").contains("skipped: rollout aborted");
    Cli.Result again = Cli.run(cliEnv(), "fleet", "abort", Long.toString(id), "--url",
        "http://127.0.0.1:" + service.port());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("409").contains("already aborted");
    Cli.Result noSelector = Cli.run(cliEnv(), "fleet", "rollout", "--image", "r/ca:2", "--waves", "100%");
    assertThat(noSelector.exit()).isEqualTo(2);

    JsonObject fleet = http.get("/admin/fleet").object();
    assertThat(fleet.getLong("tenants")).isEqualTo(3);
    assertThat(fleet.getJsonArray("versions").getJsonObject(0).getBoolean("image_pinned")).isFalse();
    // and as a metric, from one aggregate query, labelled with versions only
    String metrics = new TestHttp(service.managementPort(), null).get("/metrics").body();
    assertThat(metrics).contains("ca_tenant_versions{chart_version=\"0.1.0\",image=\"ghcr.io/caprovisioner/"
        + "providence:2.0.10\"} 3.0");
  }

  /** Storage set, never reached (the runner is off); BackupStorageMissingTest runs without it. */
  private static Map<String, String> withStorage(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(TestS3.unreachedEnv());
    return all;
  }
}

package io.caprovisioner.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.testing.TestHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dev mode as a new user runs it: embedded PostgreSQL under PROVISIONER_HOME, kept across restarts. */
class RestartTest {
  @TempDir
  Path home;

  @Test
  void aProvisionedTenantSurvivesARestart() throws Exception {
    Map<String, String> env = Map.of("PROVISIONER_HOME", home.toString(), "PORT", "0", "JOB_WORKERS", "0",
        "MANAGEMENT_PORT", "0", "DRAIN_DELAY_SECONDS", "0");
    ProvisionerService first = ProvisionerService.start(ConfigLoader.load(env));
    String token = Files.readString(home.resolve("secrets/admin-api-token")).trim();
    long id;
    try {
      TestHttp http = new TestHttp(first.port(), token);
      TestHttp.Response created = http.post("/tenants/provision", "{\"email\":\"keep@example.org\",\"plan\":\"starter\"}");
      assertThat(created.status()).isEqualTo(201);
      id = created.object().getLong("id");
    } finally {
      first.stop();
    }
    assertThat(home.resolve("pg")).isDirectory();

    ProvisionerService second = ProvisionerService.start(ConfigLoader.load(env));
    try {
      TestHttp http = new TestHttp(second.port(), token);
      TestHttp.Response again = http.get("/tenants/" + id);
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.object().getString("plan")).isEqualTo("starter");
      assertThat(http.get("/health").object().getString("database")).isEqualTo("ok");
    } finally {
      second.stop();
    }
  }
}

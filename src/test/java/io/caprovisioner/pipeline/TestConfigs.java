package io.caprovisioner.pipeline;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import java.util.HashMap;
import java.util.Map;

/** A production-shaped configuration from an environment, as the service reads it. */
public final class TestConfigs {
  private TestConfigs() {
  }

  public static Config config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "DATABASE_URL", "postgresql://unused:unused@127.0.0.1:1/unused",
        "ADMIN_API_TOKEN", "test-admin-token-0123456789abcdef0123456789",
        "SECRET_KEY", "test-secret-key-0123456789abcdef0123456789",
        "STRIPE_WEBHOOK_SECRET", "whsec_0123456789abcdef",
        "BASE_DOMAIN", "sites.example.org",
        "CA_DOCKER_IMAGE", "registry.example.org/providence:2.0.10",
        "PROVISIONER_HOME", System.getProperty("java.io.tmpdir") + "/ca-provisioner-test"));
    env.putAll(extra);
    return ConfigLoader.load(env);
  }
}

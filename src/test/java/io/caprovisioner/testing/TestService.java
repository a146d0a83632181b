package io.caprovisioner.testing;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.config.DatabaseUrl;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The whole service started in-process on a fresh database and a free port. */
public final class TestService {
  public static final String TOKEN = "test-admin-token-0123456789abcdef0123456789";
  public static final String SECRET_KEY = "test-secret-key-0123456789abcdef0123456789";
  public static final String WEBHOOK_SECRET = "whsec_test_secret_123";

  private TestService() {
  }

  /** Production-mode configuration (DATABASE_URL set) for {@code db}, plus {@code extra}. */
  public static Map<String, String> env(DatabaseUrl db, Path home, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database());
    env.put("ADMIN_API_TOKEN", TOKEN);
    env.put("SECRET_KEY", SECRET_KEY);
    env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
    env.put("PORT", "0");
    // a free port each: tests run in parallel with other builds on this machine
    env.put("MANAGEMENT_PORT", "0");
    // stop() at once; the drain test sets its own delay
    env.put("DRAIN_DELAY_SECONDS", "0");
    env.put("PROVISIONER_HOME", home.toString());
    env.putAll(extra);
    return env;
  }

  /**
   * The service as a new user starts it: its embedded defaults (dev mode: no DATABASE_URL, no
   * secrets, no DB_HOST), on {@code home} and a free port, plus {@code extra}.
   */
  public static ProvisionerService startInDevMode(Path home, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("PORT", "0");
    env.put("MANAGEMENT_PORT", "0");
    env.put("DRAIN_DELAY_SECONDS", "0");
    env.put("PROVISIONER_HOME", home.toString());
    env.putAll(extra);
    return ProvisionerService.start(ConfigLoader.load(env));
  }

  public static ProvisionerService start(DatabaseUrl db, Path home, Map<String, String> extra) {
    return ProvisionerService.start(ConfigLoader.load(env(db, home, extra)));
  }
}

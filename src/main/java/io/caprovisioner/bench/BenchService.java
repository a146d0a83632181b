package io.caprovisioner.bench;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.config.DatabaseUrl;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The whole service as {@code serve} runs it, on the bench's PostgreSQL, with fresh random
 * secrets, free ports and no cluster or MySQL (tenants wait at {@code mysql.create}, as on a
 * laptop). Its gitops remote is the default local bare repository under {@code home}.
 */
final class BenchService implements AutoCloseable {
  static final String PLAN = "pro";

  final String webhookSecret = "whsec_" + random(24);
  final Path home;
  private final ProvisionerService service;

  BenchService(DatabaseUrl db, Path home, int jobWorkers) {
    this.home = home;
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database());
    env.put("ADMIN_API_TOKEN", random(24));
    env.put("SECRET_KEY", random(24));
    env.put("STRIPE_WEBHOOK_SECRET", webhookSecret);
    env.put("PORT", "0");
    env.put("MANAGEMENT_PORT", "0");
    env.put("DRAIN_DELAY_SECONDS", "0");
    env.put("JOB_WORKERS", Integer.toString(jobWorkers));
    env.put("PROVISIONER_HOME", home.toString());
    this.service = ProvisionerService.start(ConfigLoader.load(env));
  }

  int port() {
    return service.port();
  }

  /** Where the tenants' manifests are pushed. */
  Path gitopsRemote() {
    return home.resolve("gitops").resolve("remote.git");
  }

  @Override
  public void close() {
    service.stop();
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}

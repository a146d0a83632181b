package io.caprovisioner.cli;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

@Command(name = "serve", description = "Run the service (HTTP API, webhooks, job runner).")
final class ServeCommand implements Runnable {
  @Override
  public void run() {
    Config config = ConfigLoader.fromEnvironment();
    if (config.devMode()) {
      System.out.println("dev mode: DATABASE_URL is unset, using the embedded PostgreSQL under " + config.home()
          + (config.mysql().host().isEmpty() ? " and, DB_HOST being unset, an embedded MariaDB for tenant databases"
          : ""));
      config.secrets().adminTokenFile().ifPresent(f ->
          System.out.println("admin API token (generated): " + f + "   e.g. curl -H \"Authorization: Bearer $(cat "
              + f + ")\" localhost:" + config.http().port() + "/tenants"));
    }
    ProvisionerService service = ProvisionerService.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.stop();
      stopped.countDown();
    }, "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

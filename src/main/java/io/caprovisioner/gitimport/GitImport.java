package io.caprovisioner.gitimport;

import io.caprovisioner.config.Config;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/** Manual tenants by pull request, wired: the importer, its schedule and its routes. */
public final class GitImport {
  private final ImportScheduler scheduler;
  private final GitImportRoutes routes;

  public GitImport(Vertx vertx, Pool pool, Config config, BranchSource branch, TenantLifecycle lifecycle) {
    GitImporter importer = new GitImporter(vertx, pool, config, branch, lifecycle);
    this.scheduler = new ImportScheduler(vertx, importer, config.gitops().pollInterval());
    this.routes = new GitImportRoutes(pool, importer, scheduler, config.gitops().webhookToken(),
        config.gitops().maxDeletions());
  }

  public void mount(Router router) {
    routes.mount(router);
  }

  /** Imports at once, then every GITOPS_POLL_INTERVAL. */
  public void start() {
    scheduler.start();
  }

  /** Stops polling; completes when an import under way has finished. */
  public Future<Void> stop() {
    return scheduler.stop();
  }
}

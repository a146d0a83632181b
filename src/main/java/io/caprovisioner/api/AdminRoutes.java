package io.caprovisioner.api;

import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Optional;

/** {@code /admin/tenants/{id}/...}: status with its log and jobs (and their steps), suspend, resume, retry. */
public final class AdminRoutes {
  private final Pool pool;
  private final TenantLifecycle lifecycle;
  private final JobRunner runner;
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();

  public AdminRoutes(Pool pool, TenantLifecycle lifecycle, JobRunner runner) {
    this.pool = pool;
    this.lifecycle = lifecycle;
    this.runner = runner;
  }

  public void mount(Router router) {
    router.get("/admin/tenants/:id/status").handler(this::status);
    router.post("/admin/tenants/:id/suspend").handler(this::suspend);
    router.post("/admin/tenants/:id/resume").handler(this::resume);
    router.post("/admin/tenants/:id/retry").handler(this::retry);
  }

  private void status(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, TenantRoutes.found(tenants.byId(pool, id), "no tenant with id " + id)
        .compose(t -> Future.all(log.list(pool, id), runner.status(id)).map(all -> TenantJson.of(t)
            .put("provisioning_logs", all.resultAt(0))
            .put("jobs", all.resultAt(1)))));
  }

  private void suspend(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, lifecycle.suspend(id, "admin-api", Optional.empty()).map(TenantJson::of));
  }

  /** A failed tenant's pipeline again, from the step that failed. */
  private void retry(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 202, runner.retry(id));
  }

  private void resume(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, lifecycle.resume(id, "admin-api", Optional.empty()).map(TenantJson::of));
  }
}

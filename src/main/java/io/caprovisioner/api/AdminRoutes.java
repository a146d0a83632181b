package io.caprovisioner.api;

import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantIntents;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.lifecycle.TenantProgress;
import io.caprovisioner.web.Json;
import io.caprovisioner.web.RequestParams;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Optional;

/** {@code /admin/tenants/{id}/...}: status with its log, steps and reconciles; suspend, resume, retry. */
public final class AdminRoutes {
  private final Pool pool;
  private final TenantLifecycle lifecycle;
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();
  private final TenantProgress progress = new TenantProgress();
  private final TenantIntents intents = new TenantIntents();

  public AdminRoutes(Pool pool, TenantLifecycle lifecycle) {
    this.pool = pool;
    this.lifecycle = lifecycle;
  }

  public void mount(Router router) {
    router.get("/admin/tenants/:id/status").handler(this::status);
    router.post("/admin/tenants/:id/suspend").handler(this::suspend);
    router.post("/admin/tenants/:id/resume").handler(this::resume);
    router.post("/admin/tenants/:id/retry").handler(this::retry);
    router.post("/admin/tenants/:id/credentials").handler(this::credentials);
  }

  private void status(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, TenantRoutes.found(tenants.byId(pool, id), "no tenant with id " + id)
        .compose(t -> Future.all(log.list(pool, id), progress.of(pool, id), intents.list(pool, id))
            .map(all -> TenantJson.of(t)
                .put("generation", t.generation())
                .put("provisioning_logs", all.resultAt(0))
                .put("intents", all.resultAt(2))
                .mergeIn(all.resultAt(1)))));
  }

  private void suspend(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, lifecycle.suspend(id, "admin-api", Optional.empty()).map(TenantJson::of));
  }

  /** A failed tenant's reconcile again, from the step that failed. */
  private void retry(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 202, lifecycle.retry(id, "admin-api"));
  }

  /** A new administrator password, set through the tenant's reconcile, and a fresh link to the customer. */
  private void credentials(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 202, lifecycle.resetAdminPassword(id, "admin-api"));
  }

  private void resume(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, lifecycle.resume(id, "admin-api", Optional.empty()).map(TenantJson::of));
  }
}

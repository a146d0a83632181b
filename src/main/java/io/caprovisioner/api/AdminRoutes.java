package io.caprovisioner.api;

import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** {@code /admin/tenants/{id}/...}: status with its log and jobs, suspend, resume. */
public final class AdminRoutes {
  private final Pool pool;
  private final TenantLifecycle lifecycle;
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();

  public AdminRoutes(Pool pool, TenantLifecycle lifecycle) {
    this.pool = pool;
    this.lifecycle = lifecycle;
  }

  public void mount(Router router) {
    router.get("/admin/tenants/:id/status").handler(this::status);
    router.post("/admin/tenants/:id/suspend").handler(this::suspend);
    router.post("/admin/tenants/:id/resume").handler(this::resume);
  }

  private void status(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, TenantRoutes.found(tenants.byId(pool, id), "no tenant with id " + id)
        .compose(t -> Future.all(log.list(pool, id), jobs(id)).map(all -> TenantJson.of(t)
            .put("provisioning_logs", all.resultAt(0))
            .put("jobs", all.resultAt(1)))));
  }

  private Future<JsonArray> jobs(long tenantId) {
    return pool.preparedQuery("SELECT id, kind, state, step, attempts, max_attempts, run_after, last_error, "
            + "created_at, finished_at FROM jobs WHERE tenant_id = $1 ORDER BY id").execute(Tuple.of(tenantId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("id", r.getLong("id")).put("kind", r.getString("kind"))
              .put("state", r.getString("state")).put("step", r.getString("step"))
              .put("attempts", r.getInteger("attempts")).put("max_attempts", r.getInteger("max_attempts"))
              .put("next_try", r.getOffsetDateTime("run_after").toString())
              .put("last_error", r.getString("last_error"))
              .put("created_at", r.getOffsetDateTime("created_at").toString())
              .put("finished_at", Optional.ofNullable(r.getOffsetDateTime("finished_at")).map(Object::toString)
                  .orElse(null))));
          return out;
        });
  }

  private void suspend(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, lifecycle.suspend(id, "admin-api", Optional.empty()).map(TenantJson::of));
  }

  private void resume(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, lifecycle.resume(id, "admin-api", Optional.empty()).map(TenantJson::of));
  }
}

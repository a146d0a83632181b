package io.caprovisioner.rollout;

import io.caprovisioner.backup.BackupStorageRequired;
import io.caprovisioner.web.Json;
import io.caprovisioner.web.RequestParams;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code /admin/rollouts...} and {@code /admin/fleet}: fleet upgrades in waves, and who runs what. */
public final class RolloutRoutes {
  private static final String BY = "admin-api";
  private final Rollouts rollouts;
  private final BackupStorageRequired storage;

  /** @param storage every upgrade takes a backup first, a rollback restores one */
  public RolloutRoutes(Rollouts rollouts, BackupStorageRequired storage) {
    this.rollouts = rollouts;
    this.storage = storage;
  }

  public void mount(Router router, BodyHandler body) {
    router.post("/admin/rollouts").handler(body).handler(this::start);
    router.get("/admin/rollouts").handler(this::list);
    router.get("/admin/rollouts/:id").handler(this::status);
    router.post("/admin/rollouts/:id/resume").handler(this::resume);
    router.post("/admin/rollouts/:id/abort").handler(this::abort);
    router.post("/admin/rollouts/:id/tenants/:tenant/rollback").handler(this::rollBack);
    router.get("/admin/fleet").handler(this::fleet);
  }

  private void start(RoutingContext ctx) {
    RolloutRequest req = RolloutRequest.parse(RequestParams.jsonBody(ctx));
    storage.check("a rollout (each tenant's upgrade starts with a backup)");
    Json.respond(ctx, 201, rollouts.start(req, BY));
  }

  private void list(RoutingContext ctx) {
    Json.respond(ctx, 200, rollouts.list(RequestParams.queryInt(ctx, "limit", 20, 1, 200)));
  }

  private void status(RoutingContext ctx) {
    Json.respond(ctx, 200, rollouts.status(RequestParams.pathId(ctx, "rollout")));
  }

  private void resume(RoutingContext ctx) {
    Json.respond(ctx, 200, rollouts.resume(RequestParams.pathId(ctx, "rollout")));
  }

  private void abort(RoutingContext ctx) {
    Json.respond(ctx, 200, rollouts.abort(RequestParams.pathId(ctx, "rollout")));
  }

  private void rollBack(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx, "rollout");
    long tenant = RequestParams.pathId(ctx, "tenant", "tenant");
    storage.check("a rollback (it restores the pre-upgrade backup)");
    Json.respond(ctx, 202, rollouts.rollBack(id, tenant, BY));
  }

  private void fleet(RoutingContext ctx) {
    Json.respond(ctx, 200, rollouts.fleet());
  }
}

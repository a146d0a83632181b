package io.caprovisioner.rollout;

import io.caprovisioner.api.BackupRoutes;
import io.caprovisioner.web.Json;
import io.caprovisioner.web.RequestParams;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;

/** {@code /admin/rollouts...} and {@code /admin/fleet}: fleet upgrades in waves, and who runs what. */
public final class RolloutRoutes {
  private static final String BY = "admin-api";
  private final Rollouts rollouts;
  private final Optional<String> storageMissing;

  /** @param storageMissing what keeps backups from running: every upgrade takes one first, a rollback restores one */
  public RolloutRoutes(Rollouts rollouts, Optional<String> storageMissing) {
    this.rollouts = rollouts;
    this.storageMissing = storageMissing;
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
    BackupRoutes.requireStorage(storageMissing, "a rollout (each tenant's upgrade starts with a backup)");
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
    BackupRoutes.requireStorage(storageMissing, "a rollback (it restores the pre-upgrade backup)");
    Json.respond(ctx, 202, rollouts.rollBack(id, tenant, BY));
  }

  private void fleet(RoutingContext ctx) {
    Json.respond(ctx, 200, rollouts.fleet());
  }
}

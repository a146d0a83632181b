package io.caprovisioner.api;

import io.caprovisioner.Version;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.function.BooleanSupplier;

/** Unauthenticated: {@code /} (what this is), {@code /health} (database reachable), {@code /ready}. */
public final class HealthRoutes {
  private final Pool pool;
  private final BooleanSupplier draining;

  public HealthRoutes(Pool pool, BooleanSupplier draining) {
    this.pool = pool;
    this.draining = draining;
  }

  public void mount(Router router) {
    router.get("/").handler(ctx -> ctx.json(new JsonObject().put("service", "ca-provisioner")
        .put("version", Version.current())
        .put("health", "/health")
        .put("tenants", "/tenants (Authorization: Bearer <ADMIN_API_TOKEN>)")));
    router.get("/health").handler(ctx -> check(ctx, false));
    router.get("/ready").handler(ctx -> check(ctx, true));
  }

  private void check(RoutingContext ctx, boolean readiness) {
    if (readiness && draining.getAsBoolean()) {
      ctx.response().setStatusCode(503);
      ctx.json(new JsonObject().put("status", "shutting_down"));
      return;
    }
    pool.query("SELECT 1").execute()
        .onSuccess(rows -> ctx.json(new JsonObject().put("status", "ok").put("database", "ok")
            .put("version", Version.current())))
        .onFailure(e -> {
          ctx.response().setStatusCode(503);
          ctx.json(new JsonObject().put("status", "unavailable").put("database", "unreachable"));
        });
  }
}

package io.caprovisioner.api;

import io.caprovisioner.Version;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.function.BooleanSupplier;

/**
 * Unauthenticated: {@code /} (what this is); the probes. {@code /livez}: the process answers, and
 * nothing else, so a PostgreSQL outage never restarts a replica. {@code /readyz}: the database
 * answers and the replica is not draining (after SIGTERM it answers 503 while requests are still
 * served, so load balancers stop sending before the listener closes). {@code /health} and
 * {@code /ready} answer as they always did (database; database and not draining).
 */
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
    router.get("/livez").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(ctx -> check(ctx, true));
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

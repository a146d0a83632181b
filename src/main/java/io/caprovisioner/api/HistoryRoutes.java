package io.caprovisioner.api;

import io.caprovisioner.web.ApiError;
import io.caprovisioner.web.Json;
import io.caprovisioner.web.RequestParams;

import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.gitops.TenantCommit;
import io.caprovisioner.gitops.TenantHistory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/** {@code GET /tenants/{id}/history}: the gitops commits that touched the tenant, from Git itself. */
public final class HistoryRoutes {
  private final Pool pool;
  private final TenantHistory history;
  private final TenantRepository tenants = new TenantRepository();

  public HistoryRoutes(Pool pool, TenantHistory history) {
    this.pool = pool;
    this.history = history;
  }

  public void mount(Router router) {
    router.get("/tenants/:id/history").handler(this::history);
  }

  private void history(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    int limit = RequestParams.queryInt(ctx, "limit", 100, 1, 1000);
    Future<JsonArray> result = TenantRoutes.found(tenants.byId(pool, id), "no tenant with id " + id)
        .compose(t -> history.history(t.names(), limit))
        .map(commits -> {
          JsonArray out = new JsonArray();
          commits.forEach(c -> out.add(json(c)));
          return out;
        });
    Json.respond(ctx, 200, result);
  }

  private static JsonObject json(TenantCommit c) {
    return new JsonObject().put("sha", c.sha()).put("time", c.time().toString()).put("author", c.author())
        .put("subject", c.subject()).put("message", c.message()).put("action", c.action().orElse(null))
        .put("stripe_event_id", c.stripeEventId().orElse(null)).put("requested_by", c.requestedBy().orElse(null));
  }
}

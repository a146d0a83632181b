package io.caprovisioner.api;

import io.caprovisioner.web.ApiError;
import io.caprovisioner.web.Json;
import io.caprovisioner.web.RequestParams;

import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.ContactRules;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code /tenants}: list, look up, provision (manual) and delete. */
public final class TenantRoutes {
  private static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9-]{1,63}$");
  private static final Set<String> PROVISION_FIELDS = Set.of("email", "plan", "name", "stripe_customer_id",
      "stripe_subscription_id");

  private final Pool pool;
  private final TenantLifecycle lifecycle;
  private final TenantRepository tenants = new TenantRepository();

  public TenantRoutes(Pool pool, TenantLifecycle lifecycle) {
    this.pool = pool;
    this.lifecycle = lifecycle;
  }

  public void mount(Router router, BodyHandler body) {
    router.get("/tenants").handler(this::list);
    router.post("/tenants/provision").handler(body).handler(this::provision);
    router.get("/tenants/namespace/:namespace").handler(this::byNamespace);
    router.get("/tenants/:id").handler(this::byId);
    router.delete("/tenants/:id").handler(this::delete);
  }

  /**
   * {@code after=<id>}: the next page by key (the id of the last tenant seen), which costs the
   * same at any depth; {@code skip} (an offset) is kept for the seed's clients. Not both.
   */
  private void list(RoutingContext ctx) {
    int skip = RequestParams.queryInt(ctx, "skip", 0, 0, Integer.MAX_VALUE);
    int after = RequestParams.queryInt(ctx, "after", 0, 0, Integer.MAX_VALUE);
    int limit = RequestParams.queryInt(ctx, "limit", 100, 1, 1000);
    if (skip > 0 && after > 0) {
      throw ApiError.badRequest("use either after (the last id of the previous page) or skip, not both");
    }
    Json.respond(ctx, 200, (after > 0 ? tenants.listAfter(pool, after, limit) : tenants.list(pool, skip, limit))
        .map(list -> {
          JsonArray out = new JsonArray();
          list.forEach(t -> out.add(TenantJson.of(t)));
          return out;
        }));
  }

  private void byId(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    Json.respond(ctx, 200, found(tenants.byId(pool, id), "no tenant with id " + id).map(TenantJson::of));
  }

  private void byNamespace(RoutingContext ctx) {
    String ns = ctx.pathParam("namespace");
    if (!NAMESPACE.matcher(ns).matches()) {
      throw ApiError.notFound("no tenant in namespace " + ns.replaceAll("[^a-z0-9-]", "?"));
    }
    Json.respond(ctx, 200, found(tenants.byNamespace(pool, ns), "no tenant in namespace " + ns).map(TenantJson::of));
  }

  private void provision(RoutingContext ctx) {
    JsonObject body = RequestParams.jsonBody(ctx);
    for (String field : body.fieldNames()) {
      if (!PROVISION_FIELDS.contains(field)) {
        throw ApiError.badRequest("unknown field '" + field + "' (accepted: email, plan, name, stripe_customer_id, "
            + "stripe_subscription_id)");
      }
    }
    String email = RequestParams.requiredString(body, "email");
    if (!ContactRules.isEmail(email)) {
      throw ApiError.badRequest("email is not a valid email address");
    }
    String plan = RequestParams.requiredString(body, "plan");
    Optional<String> name = RequestParams.optionalString(body, "name");
    if (name.isPresent() && !TenantNames.isValidSlug(name.get())) {
      throw ApiError.badRequest("name must match " + TenantNames.SLUG.pattern() + " and not end with '-'");
    }
    Optional<String> customer = RequestParams.optionalString(body, "stripe_customer_id");
    if (customer.isPresent() && !ContactRules.isStripeCustomerId(customer.get())) {
      throw ApiError.badRequest("stripe_customer_id must look like cus_...");
    }
    Optional<String> subscription = RequestParams.optionalString(body, "stripe_subscription_id");
    if (subscription.isPresent() && !ContactRules.isStripeSubscriptionId(subscription.get())) {
      throw ApiError.badRequest("stripe_subscription_id must look like sub_...");
    }
    ProvisionRequest req = new ProvisionRequest(email, plan, name, TenantSource.MANUAL, customer, subscription,
        Optional.empty(), Optional.empty(), "admin-api");
    Json.respond(ctx, 201, lifecycle.provision(req).map(TenantJson::of));
  }

  private void delete(RoutingContext ctx) {
    long id = RequestParams.pathId(ctx);
    boolean purge = RequestParams.queryBool(ctx, "purge");
    Json.respond(ctx, 202, lifecycle.delete(id, purge, "admin-api", Optional.empty()).map(TenantJson::of));
  }

  static <T> Future<T> found(Future<Optional<T>> lookup, String missing) {
    return lookup.compose(o -> o.map(Future::succeededFuture).orElseGet(() ->
        Future.failedFuture(ApiError.notFound(missing))));
  }
}

package io.caprovisioner.stripe;

import io.caprovisioner.web.ApiError;
import io.caprovisioner.config.Config;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The webhook ({@code POST /webhooks/stripe}, public, signed) and the operators' view of stored
 * events ({@code /admin/stripe/events}, behind the bearer token like all of {@code /admin}).
 */
public final class StripeRoutes {
  private static final Pattern EVENT_ID = Pattern.compile("^evt_[A-Za-z0-9_]{1,250}$");

  private final Pool pool;
  private final StripeWebhookHandler webhook;
  private final StripeEventApplier applier;
  private final StripeEventStore events = new StripeEventStore();

  public StripeRoutes(Pool pool, Config config, StripeEventApplier applier) {
    this(pool, config, applier, WebhookObserver.NONE);
  }

  public StripeRoutes(Pool pool, Config config, StripeEventApplier applier, WebhookObserver observer) {
    this(pool, pool, config, applier, observer, () -> { });
  }

  /**
   * @param webhookPool the acknowledgements' own connections
   * @param stored called after each new event to apply is stored (wakes the {@link StripeEventRelay})
   */
  public StripeRoutes(Pool pool, Pool webhookPool, Config config, StripeEventApplier applier,
      WebhookObserver observer, Runnable stored) {
    this.pool = pool;
    this.applier = applier;
    this.webhook = new StripeWebhookHandler(webhookPool, new StripeSignature(config.stripe().webhookSecrets()),
        config.stripe().livemode(), observer, stored);
  }

  public void mount(Router router) {
    router.post(StripeWebhookHandler.PATH).handler(webhook.route());
    router.get("/admin/stripe/events").handler(this::list);
    router.post("/admin/stripe/events/:id/replay").handler(this::replay);
  }

  private void list(RoutingContext ctx) {
    Optional<String> raw = Optional.ofNullable(ctx.request().getParam("status")).filter(s -> !s.isEmpty());
    Optional<EventStatus> status = raw.map(s -> EventStatus.fromWire(s).orElseThrow(() -> ApiError.badRequest(
        "status must be one of " + java.util.Arrays.stream(EventStatus.values()).map(EventStatus::wire)
            .collect(java.util.stream.Collectors.joining(", ")))));
    int limit = 100;
    String rawLimit = ctx.request().getParam("limit");
    if (rawLimit != null && !rawLimit.isEmpty()) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 1000) {
        throw ApiError.badRequest("limit must be an integer between 1 and 1000");
      }
    }
    events.list(pool, status, limit).onSuccess(list -> json(ctx, 200, list.encode())).onFailure(ctx::fail);
  }

  private void replay(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!EVENT_ID.matcher(id).matches()) {
      throw ApiError.badRequest("event id must look like evt_...");
    }
    events.find(pool, id).compose(found -> {
      if (found.isEmpty()) {
        throw ApiError.notFound("no stored Stripe event " + id);
      }
      return applier.replay(id);
    }).onSuccess(e -> json(ctx, 200, new JsonObject().put("id", e.id()).put("type", e.type())
            .put("status", e.status().wire()).put("note", e.note()).put("error", e.error())
            .put("stripe_subscription_id", e.subscriptionId().orElse(null)).encode()))
        .onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, int status, String body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
  }
}

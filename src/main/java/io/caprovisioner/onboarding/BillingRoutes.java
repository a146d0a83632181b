package io.caprovisioner.onboarding;

import io.caprovisioner.config.Config;
import io.caprovisioner.crypto.BillingLinks;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.tenant.Tenant;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /billing/{token}}: the signed, expiring link of the messages. A valid one opens a
 * Stripe Billing Portal session for the tenant's customer and redirects there; anything else is a
 * page saying what is wrong (tampered and expired links are refused with 4xx, never a 5xx).
 */
public final class BillingRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(BillingRoutes.class);
  private final Pool pool;
  private final BillingLinks links;
  private final BillingPortal portal;
  private final BillingPages pages;
  private final TenantRepository tenants = new TenantRepository();

  public BillingRoutes(Vertx vertx, Pool pool, Config config) {
    this.pool = pool;
    this.links = new BillingLinks(config.secrets().secretKey());
    this.portal = new BillingPortal(vertx, config.stripe());
    this.pages = new BillingPages(config.brand());
  }

  public void mount(Router router) {
    router.get("/billing/:token").handler(this::open);
  }

  private void open(RoutingContext ctx) {
    BillingLinks.Verdict verdict = links.verify(ctx.pathParam("token"), Instant.now());
    if (verdict instanceof BillingLinks.Verdict.Invalid) {
      send(ctx, 403, pages.invalid());
      return;
    }
    if (verdict instanceof BillingLinks.Verdict.Expired) {
      send(ctx, 410, pages.expired());
      return;
    }
    if (!portal.enabled()) {
      send(ctx, 200, pages.notConnected());
      return;
    }
    long tenantId = ((BillingLinks.Verdict.Valid) verdict).tenantId();
    tenants.byId(pool, tenantId).onComplete(ar -> {
      Optional<String> customer = ar.succeeded() ? ar.result().flatMap(Tenant::stripeCustomerId) : Optional.empty();
      if (ar.failed()) {
        LOG.warn("billing link of tenant {}: cannot read the tenant: {}", tenantId, ar.cause().getMessage());
        send(ctx, 503, pages.unavailable());
        return;
      }
      if (customer.isEmpty()) {
        send(ctx, 404, pages.noAccount());
        return;
      }
      String returnUrl = "https://" + ar.result().get().names().domain();
      portal.sessionUrl(customer.get(), returnUrl)
          .onSuccess(url -> ctx.response().setStatusCode(303).putHeader("Location", url)
              .putHeader("Cache-Control", "no-store").putHeader("Referrer-Policy", "no-referrer").end())
          .onFailure(e -> {
            LOG.warn("billing link of tenant {}: {}", tenantId, e.getMessage());
            send(ctx, 503, pages.unavailable());
          });
    });
  }

  private static void send(RoutingContext ctx, int status, String html) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store").putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
        .end(html);
  }
}

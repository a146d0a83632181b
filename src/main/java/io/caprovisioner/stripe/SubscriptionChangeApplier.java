package io.caprovisioner.stripe;

import io.caprovisioner.db.SubscriptionStore;

import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.MessageKind;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.MessageOutbox;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.json.JsonObject;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.lifecycle.LifecycleException;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.PlanCatalog;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one subscription or invoice event to the subscription's tenant, inside the caller's
 * transaction (which holds the subscription's lock), and records the event's outcome.
 */
final class SubscriptionChangeApplier {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionChangeApplier.class);

  private final PlanCatalog plans;
  private final TenantLifecycle lifecycle;
  private final TenantDecisionApplier decisions;
  private final StripeEventStore events = new StripeEventStore();
  private final SubscriptionStore subscriptions = new SubscriptionStore();
  private final ProvisioningLog log = new ProvisioningLog();
  private final MessageOutbox outbox = new MessageOutbox();
  private final TenantRepository tenants = new TenantRepository();

  SubscriptionChangeApplier(PlanCatalog plans, TenantLifecycle lifecycle) {
    this.plans = plans;
    this.lifecycle = lifecycle;
    this.decisions = new TenantDecisionApplier(lifecycle);
  }

  /**
   * @param now the subscription as Stripe's API reports it now, when a key is configured: then
   *            the event only says "look again" and ordering no longer matters
   * @return the status the event ended in ({@code deferred} when its tenant does not exist yet)
   */
  Future<EventStatus> apply(SqlConnection sql, EventFacts.SubscriptionChange event, Optional<SubscriptionSnapshot> now) {
    EventFacts.SubscriptionChange f = now.map(event::withCurrentState).orElse(event);
    return subscriptions.find(sql, f.subscriptionId()).compose(found -> {
      if (found.isEmpty()) {
        return finish(sql, f, EventStatus.DEFERRED, "kept until the checkout of " + f.subscriptionId()
            + " creates its tenant");
      }
      SubscriptionStore.StoredSubscription sub = found.get();
      if (now.isEmpty() && SubscriptionDecision.stale(f.created(), sub.lastEventCreated())) {
        return logged(sql, sub.tenantId(), f, EventStatus.IGNORED, "older than the newest applied event "
            + "of " + f.subscriptionId() + " (created " + f.created() + " < " + sub.lastEventCreated() + ")");
      }
      if (now.isEmpty() && sub.status().filter(SubscriptionDecision::isFinal).isPresent()) {
        return logged(sql, sub.tenantId(), f, EventStatus.IGNORED, "subscription " + f.subscriptionId()
            + " is already " + sub.status().get() + ", which is final");
      }
      SubscriptionDecision decision = SubscriptionDecision.of(f.type(), f.status());
      Optional<String> recordedStatus = StripeEventTypes.SUBSCRIPTION_DELETED.equals(f.type())
          ? Optional.of("canceled") : f.status();
      return subscriptions.record(sql, f.subscriptionId(), recordedStatus, f.priceId(), f.currentPeriodEnd(),
              f.created())
          .compose(v -> planChange(sql, sub, f, decision))
          .compose(plan -> decisions.apply(sql, sub.tenantId(), decision, f.eventId())
              .map(done -> f.type() + ": " + decision.reason() + "; " + done + plan))
          .compose(note -> paymentFailedNotice(sql, sub.tenantId(), f, decision).map(note))
          .compose(note -> logged(sql, sub.tenantId(), f, EventStatus.APPLIED, note));
    });
  }

  /**
   * A failed payment while the site keeps running (grace): its customer is told, once per Stripe
   * event (each retry Stripe makes is a new event; a replay of one is not).
   */
  private Future<Void> paymentFailedNotice(SqlConnection sql, long tenantId, EventFacts.SubscriptionChange f,
      SubscriptionDecision decision) {
    if (!StripeEventTypes.INVOICE_PAYMENT_FAILED.equals(f.type())
        || decision.action() != SubscriptionDecision.Action.GRACE) {
      return Future.succeededFuture();
    }
    return tenants.byId(sql, tenantId).compose(t -> t.filter(x -> x.status() == TenantStatus.ACTIVE).isEmpty()
        ? Future.succeededFuture()
        : outbox.add(sql, tenantId, MessageKind.PAYMENT_FAILED, f.eventId(), new JsonObject()).mapEmpty());
  }

  /** A price that buys another plan changes the tenant's plan (not for a subscription that ends). */
  private Future<String> planChange(SqlConnection sql, SubscriptionStore.StoredSubscription sub,
      EventFacts.SubscriptionChange f, SubscriptionDecision decision) {
    if (f.priceId().isEmpty() || f.priceId().equals(sub.priceId())
        || decision.action() == SubscriptionDecision.Action.CANCEL) {
      return Future.succeededFuture("");
    }
    String price = f.priceId().get();
    return plans.byStripePrice(price).map(plan -> lifecycle.changePlan(sql, sub.tenantId(), plan.name(),
                TenantDecisionApplier.REQUESTED_BY, Optional.of(f.eventId()))
            .map(t -> "; price " + price + ": plan " + t.plan())
            .recover(e -> e instanceof LifecycleException le && le.kind() == LifecycleException.Kind.CONFLICT
                ? Future.succeededFuture("; plan unchanged: " + le.getMessage()) : Future.failedFuture(e)))
        .orElseGet(() -> log.append(sql, sub.tenantId(), "stripe", LogStatus.FAILED, "price " + price
                + " matches no configured plan; plan unchanged", f.eventId())
            .map("; price " + price + " matches no plan, plan unchanged"));
  }

  private Future<EventStatus> logged(SqlConnection sql, long tenantId, EventFacts.SubscriptionChange f, EventStatus status,
      String note) {
    return log.append(sql, tenantId, "stripe", LogStatus.INFO, "Stripe " + f.type() + " " + f.eventId() + " " + status.wire() + ": "
            + note, f.eventId())
        .compose(v -> finish(sql, f, status, note));
  }

  private Future<EventStatus> finish(SqlConnection sql, EventFacts.SubscriptionChange f, EventStatus status, String note) {
    LOG.info("stripe event {} ({}, {}) {}: {}", f.eventId(), f.type(), f.subscriptionId(), status.wire(), note);
    return events.finish(sql, f.eventId(), status, note, f.subscriptionId()).map(status);
  }
}

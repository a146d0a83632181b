package io.caprovisioner.stripe;

import io.caprovisioner.db.SubscriptionStore;

import io.caprovisioner.config.Config;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one stored Stripe event: the handler of {@code stripe.apply} jobs (payload
 * {@code {"event_id": "evt_..."}}) and of the operators' replay. Idempotent: an event already
 * applied or ignored is not applied again (except on replay), and all work on one subscription
 * is serialised by a lock, so redeliveries, retries and concurrent workers cannot double-apply.
 *
 * <p>A failed Future means "try again" (database or Stripe API unavailable); an event that can
 * never apply (unreadable, unknown plan, no email) is marked failed with its reason and the
 * Future succeeds: retrying would not help, an operator replays it after fixing the cause.
 */
public final class StripeEventApplier {
  public static final String JOB_KIND = StripeWebhookHandler.APPLY_JOB;
  private static final Logger LOG = LoggerFactory.getLogger(StripeEventApplier.class);

  private final Pool pool;
  private final StripeSubscriptions stripeApi;
  private final StripeEventReader reader = new StripeEventReader();
  private final StripeEventStore events = new StripeEventStore();
  private final SubscriptionStore subscriptions = new SubscriptionStore();
  private final SubscriptionChangeApplier changes;
  private final CheckoutApplier checkouts;

  public StripeEventApplier(Vertx vertx, Pool pool, Config config, TenantLifecycle lifecycle) {
    this.pool = pool;
    this.stripeApi = new StripeSubscriptions(vertx, config.stripe());
    this.changes = new SubscriptionChangeApplier(config.plans(), lifecycle);
    this.checkouts = new CheckoutApplier(config, lifecycle, changes);
  }

  /** The job: applies the event unless that has been done. */
  public Future<Void> apply(String eventId) {
    return run(eventId, false).mapEmpty();
  }

  /** Applies the event again from its stored raw body, whatever became of it before. */
  public Future<StripeEventStore.StoredEvent> replay(String eventId) {
    return run(eventId, true).compose(status -> events.find(pool, eventId)).map(Optional::get);
  }

  /** @return the status the event ended in */
  private Future<EventStatus> run(String eventId, boolean replay) {
    return events.find(pool, eventId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new IllegalArgumentException("no stored Stripe event " + eventId));
      }
      StripeEventStore.StoredEvent stored = found.get();
      if (!replay && done(stored.status())) {
        return Future.succeededFuture(stored.status());
      }
      EventFacts facts;
      try {
        facts = reader.read(stored.payload());
      } catch (StripeEventReader.Unreadable e) {
        try (var mdc = org.slf4j.MDC.putCloseable(io.caprovisioner.jobs.JobMdc.STRIPE_EVENT, eventId)) {
          LOG.error("stripe event {} cannot be applied: {}", eventId, e.getMessage());
        }
        return events.fail(pool, eventId, e.getMessage(), null).map(EventStatus.FAILED);
      }
      if (facts instanceof EventFacts.Irrelevant irrelevant) {
        try (var mdc = org.slf4j.MDC.putCloseable(io.caprovisioner.jobs.JobMdc.STRIPE_EVENT, eventId)) {
          LOG.info("stripe event {} ({}) ignored: {}", eventId, stored.type(), irrelevant.reason());
        }
        return events.finish(pool, eventId, EventStatus.IGNORED, irrelevant.reason(), null)
            .map(EventStatus.IGNORED);
      }
      String subscriptionId = subscriptionOf(facts);
      // asked before the transaction: no connection or lock is held while Stripe answers
      return stripeApi.current(subscriptionId)
          .compose(now -> pool.withTransaction(sql -> subscriptions.lockSubscription(sql, subscriptionId)
              .compose(v -> events.lock(sql, eventId))
              .compose(locked -> !replay && done(locked.get().status())
                  ? Future.succeededFuture(locked.get().status())
                  : dispatch(sql, facts, now))))
          .recover(e -> {
            try (var mdc = org.slf4j.MDC.putCloseable(io.caprovisioner.jobs.JobMdc.STRIPE_EVENT, eventId)) {
              LOG.warn("stripe event {} ({}) failed, will be retried: {}", eventId, stored.type(), e.getMessage());
            }
            return events.fail(pool, eventId, e.getMessage(), subscriptionId).transform(x -> Future.failedFuture(e));
          });
    });
  }

  private Future<EventStatus> dispatch(SqlConnection sql, EventFacts facts, Optional<SubscriptionSnapshot> now) {
    if (facts instanceof EventFacts.Checkout c) {
      return checkouts.apply(sql, c, now);
    }
    EventFacts.SubscriptionChange change = (EventFacts.SubscriptionChange) facts;
    return changes.apply(sql, change, now).compose(status -> !EventStatus.DEFERRED.equals(status)
        ? Future.succeededFuture(status)
        : waitingCheckout(sql, change.subscriptionId(), now)
            .compose(v -> events.find(sql, change.eventId()))
            .map(e -> e.get().status()));
  }

  /**
   * A checkout kept because it lacked its plan or its first payment may be completed by this
   * event: try it again now, which also applies this event if the tenant gets created.
   */
  private Future<Void> waitingCheckout(SqlConnection sql, String subscriptionId, Optional<SubscriptionSnapshot> now) {
    return events.deferred(sql, subscriptionId).compose(deferred -> deferred.stream()
        .filter(e -> StripeEventTypes.CHECKOUT_COMPLETED.equals(e.type())).findFirst()
        .map(e -> reader.read(e.payload()) instanceof EventFacts.Checkout c
            ? checkouts.apply(sql, c, now).<Void>mapEmpty() : Future.<Void>succeededFuture())
        .orElseGet(Future::succeededFuture));
  }

  private static String subscriptionOf(EventFacts facts) {
    if (facts instanceof EventFacts.Checkout c) {
      return c.subscriptionId();
    }
    return ((EventFacts.SubscriptionChange) facts).subscriptionId();
  }

  private static boolean done(EventStatus status) {
    return status.settled();
  }
}

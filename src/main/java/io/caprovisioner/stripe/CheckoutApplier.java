package io.caprovisioner.stripe;

import io.caprovisioner.db.SubscriptionStore;

import io.caprovisioner.db.LogStatus;
import io.caprovisioner.config.Config;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription checkout creates the tenant, then applies the events of its subscription that
 * arrived before it, oldest first, so the newest state wins whatever the arrival order. Runs in
 * the caller's transaction, which holds the subscription's lock.
 */
final class CheckoutApplier {
  private static final Logger LOG = LoggerFactory.getLogger(CheckoutApplier.class);

  private final Config config;
  private final TenantLifecycle lifecycle;
  private final SubscriptionChangeApplier changes;
  private final TenantDecisionApplier decisions;
  private final StripeEventReader reader = new StripeEventReader();
  private final StripeEventStore events = new StripeEventStore();
  private final SubscriptionStore subscriptions = new SubscriptionStore();
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();

  CheckoutApplier(Config config, TenantLifecycle lifecycle, SubscriptionChangeApplier changes) {
    this.config = config;
    this.lifecycle = lifecycle;
    this.changes = changes;
    this.decisions = new TenantDecisionApplier(lifecycle);
  }

  /** @return the status the checkout event ended in */
  Future<EventStatus> apply(SqlConnection sql, EventFacts.Checkout c, Optional<SubscriptionSnapshot> now) {
    return subscriptions.find(sql, c.subscriptionId()).compose(existing -> {
      if (existing.isPresent()) {
        String note = "subscription " + c.subscriptionId() + " already has its tenant";
        return log.append(sql, existing.get().tenantId(), "stripe", LogStatus.INFO, "Stripe checkout " + c.eventId()
                + " ignored: " + note, c.eventId())
            .compose(v -> finish(sql, c, EventStatus.IGNORED, note));
      }
      return earlierEvents(sql, c).compose(earlier -> create(sql, c, now, earlier));
    });
  }

  private Future<EventStatus> create(SqlConnection sql, EventFacts.Checkout c, Optional<SubscriptionSnapshot> now,
      List<EventFacts.SubscriptionChange> earlier) {
    SubscriptionDecision state = now.map(n -> SubscriptionDecision.of("", Optional.of(n.status())))
        .orElseGet(() -> newestState(c, earlier));
    switch (state.action()) {
      case NOT_YET:
        return finish(sql, c, EventStatus.DEFERRED, "not provisioned yet: " + state.reason());
      case CANCEL:
        return ignoreAll(sql, c, earlier, "the subscription ended before its tenant was created (" + state.reason()
            + ")");
      default:
        break;
    }
    Optional<String> earlierPrice = earlier.stream().filter(e -> e.priceId().isPresent())
        .max(Comparator.comparingLong(EventFacts.SubscriptionChange::created))
        .flatMap(EventFacts.SubscriptionChange::priceId);
    CheckoutPlan plan = CheckoutPlan.resolve(config.plans(), now.flatMap(SubscriptionSnapshot::priceId),
        c.metadataPlan(), earlierPrice);
    if (plan instanceof CheckoutPlan.NotYetKnown) {
      return finish(sql, c, EventStatus.DEFERRED, "waiting for the plan: neither metadata.plan nor a "
          + "subscription price is known yet");
    }
    if (plan instanceof CheckoutPlan.Unknown u) {
      return fail(sql, c, u.reason());
    }
    if (c.email().isEmpty()) {
      return fail(sql, c, "the checkout has neither customer_details.email nor customer_email");
    }
    CheckoutPlan.Found found = (CheckoutPlan.Found) plan;
    ProvisionRequest request = new ProvisionRequest(c.email().get(), found.plan(), Optional.empty(),
        TenantSource.STRIPE, c.customerId(), Optional.of(c.subscriptionId()), found.priceId(),
        Optional.of(c.eventId()), TenantDecisionApplier.REQUESTED_BY);
    String status = now.map(SubscriptionSnapshot::status).orElse(c.impliedStatus());
    return namesFor(sql, c).compose(names -> lifecycle.provision(sql, request, names)
        .compose(tenant -> subscriptions.record(sql, c.subscriptionId(), Optional.of(status), found.priceId(),
                now.flatMap(SubscriptionSnapshot::currentPeriodEnd), c.created())
            .compose(v -> c.sessionId().map(session -> subscriptions.linkCheckout(sql, c.subscriptionId(), session,
                c.requestedName())).orElse(Future.succeededFuture()))
            .compose(v -> finish(sql, c, EventStatus.APPLIED, "tenant " + names.namespace() + " created, plan "
                + found.plan() + " from " + found.source() + nameNote(c, names)))
            .compose(v -> now.isPresent()
                ? currentState(sql, tenant.id(), c, now.get(), earlier)
                : inOrder(sql, tenant.id(), earlier))
            .map(EventStatus.APPLIED)));
  }

  /**
   * The name asked for at signup ({@code metadata.requested_name}) when it is a valid slug that is
   * still free; otherwise a generated id, and the welcome page tells the customer. The name's lock
   * keeps two checkouts asking for it at once from both taking it.
   */
  private Future<TenantNames> namesFor(SqlConnection sql, EventFacts.Checkout c) {
    String baseDomain = config.tenants().baseDomain();
    TenantNames generated = TenantNames.of(TenantNames.generateId(), baseDomain);
    Optional<TenantNames> requested;
    try {
      requested = c.requestedName().map(n -> n.toLowerCase(Locale.ROOT)).filter(TenantNames::isValidSlug)
          .map(n -> TenantNames.of(n, baseDomain));
    } catch (IllegalArgumentException e) {
      requested = Optional.empty();
    }
    if (requested.isEmpty()) {
      return Future.succeededFuture(generated);
    }
    TenantNames wanted = requested.get();
    return tenants.lockName(sql, wanted.id()).compose(v -> tenants.nameTaken(sql, wanted))
        .map(taken -> taken ? generated : wanted);
  }

  private static String nameNote(EventFacts.Checkout c, TenantNames names) {
    return c.requestedName().filter(n -> !n.equalsIgnoreCase(names.id()))
        .map(n -> " (requested name '" + n + "' was not free or not valid: generated id)").orElse("");
  }

  /** Without the API: the newest statement about the subscription, the checkout's own included. */
  private static SubscriptionDecision newestState(EventFacts.Checkout c, List<EventFacts.SubscriptionChange> earlier) {
    SubscriptionDecision newest = SubscriptionDecision.of(StripeEventTypes.CHECKOUT_COMPLETED,
        Optional.of(c.impliedStatus()));
    long newestAt = c.created();
    for (EventFacts.SubscriptionChange e : earlier) {
      SubscriptionDecision d = SubscriptionDecision.of(e.type(), e.status());
      if (d.action() != SubscriptionDecision.Action.NONE && e.created() >= newestAt) {
        newest = d;
        newestAt = e.created();
      }
    }
    return newest;
  }

  /** With the API: its answer supersedes every earlier event; the tenant follows the current status. */
  private Future<Void> currentState(SqlConnection sql, long tenantId, EventFacts.Checkout c, SubscriptionSnapshot now,
      List<EventFacts.SubscriptionChange> earlier) {
    SubscriptionDecision decision = SubscriptionDecision.of("", Optional.of(now.status()));
    Future<Void> done = decisions.apply(sql, tenantId, decision, c.eventId()).compose(what ->
        log.append(sql, tenantId, "stripe", LogStatus.INFO, "Stripe subscription " + now.id() + " is " + now.status() + ": "
            + what, c.eventId()));
    for (EventFacts.SubscriptionChange e : earlier) {
      String note = "superseded by the subscription's current state (" + now.status() + ") at checkout " + c.eventId();
      done = done.compose(v -> log.append(sql, tenantId, "stripe", LogStatus.INFO, "Stripe " + e.type() + " " + e.eventId()
              + " applied: " + note, e.eventId()))
          .compose(v -> events.finish(sql, e.eventId(), EventStatus.APPLIED, note, e.subscriptionId()));
    }
    return done;
  }

  /**
   * Oldest first through the normal path (older than the checkout: ignored as stale). A status
   * that a later event of the list supersedes is only logged, so a tenant that ends active is not
   * first suspended and resumed on the way.
   */
  private Future<Void> inOrder(SqlConnection sql, long tenantId, List<EventFacts.SubscriptionChange> earlier) {
    int decisive = -1;
    for (int i = 0; i < earlier.size(); i++) {
      EventFacts.SubscriptionChange e = earlier.get(i);
      if (SubscriptionDecision.of(e.type(), e.status()).action() != SubscriptionDecision.Action.NONE) {
        decisive = i;
      }
    }
    Future<Void> done = Future.succeededFuture();
    for (int i = 0; i < earlier.size(); i++) {
      EventFacts.SubscriptionChange e = earlier.get(i);
      if (i < decisive) {
        String note = "superseded by the newer " + earlier.get(decisive).eventId();
        done = done.compose(v -> log.append(sql, tenantId, "stripe", LogStatus.INFO, "Stripe " + e.type() + " "
                + e.eventId() + " applied: " + note, e.eventId()))
            .compose(v -> events.finish(sql, e.eventId(), EventStatus.APPLIED, note, e.subscriptionId()));
      } else {
        done = done.compose(v -> changes.apply(sql, e, Optional.empty()).mapEmpty());
      }
    }
    return done;
  }

  private Future<EventStatus> ignoreAll(SqlConnection sql, EventFacts.Checkout c, List<EventFacts.SubscriptionChange> earlier,
      String note) {
    Future<Void> done = Future.succeededFuture();
    for (EventFacts.SubscriptionChange e : earlier) {
      done = done.compose(v -> events.finish(sql, e.eventId(), EventStatus.IGNORED, note, e.subscriptionId()));
    }
    return done.compose(v -> finish(sql, c, EventStatus.IGNORED, note));
  }

  /** The subscription's events stored before its tenant existed, oldest first; unreadable ones are failed. */
  private Future<List<EventFacts.SubscriptionChange>> earlierEvents(SqlConnection sql, EventFacts.Checkout c) {
    return events.deferred(sql, c.subscriptionId()).compose(stored -> {
      List<EventFacts.SubscriptionChange> out = new ArrayList<>();
      Future<Void> done = Future.succeededFuture();
      for (StripeEventStore.StoredEvent e : stored) {
        if (e.id().equals(c.eventId()) || StripeEventTypes.CHECKOUT_COMPLETED.equals(e.type())) {
          continue;
        }
        try {
          if (reader.read(e.payload()) instanceof EventFacts.SubscriptionChange change) {
            out.add(change);
          }
        } catch (StripeEventReader.Unreadable u) {
          done = done.compose(v -> events.fail(sql, e.id(), u.getMessage(), null));
        }
      }
      return done.map(out);
    });
  }

  private Future<EventStatus> fail(SqlConnection sql, EventFacts.Checkout c, String reason) {
    LOG.error("stripe checkout {} for {} failed: {}", c.eventId(), c.subscriptionId(), reason);
    return events.fail(sql, c.eventId(), reason, c.subscriptionId()).map(EventStatus.FAILED);
  }

  private Future<EventStatus> finish(SqlConnection sql, EventFacts.Checkout c, EventStatus status, String note) {
    LOG.info("stripe checkout {} for {} {}: {}", c.eventId(), c.subscriptionId(), status.wire(), note);
    return events.finish(sql, c.eventId(), status, note, c.subscriptionId()).map(status);
  }
}

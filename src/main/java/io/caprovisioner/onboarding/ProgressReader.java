package io.caprovisioner.onboarding;

import io.caprovisioner.db.SubscriptionStore;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.db.TenantStepStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Optional;

/** Reads what the service knows about one Checkout Session's site ({@link ProgressFacts}). */
final class ProgressReader {
  private final Pool pool;
  private final ProgressHistory history;
  private final Optional<CheckoutLookup> stripe;
  private final SubscriptionStore subscriptions = new SubscriptionStore();
  private final TenantRepository tenants = new TenantRepository();
  private final TenantStepStore steps = new TenantStepStore();

  ProgressReader(Pool pool, Optional<CheckoutLookup> stripe) {
    this.pool = pool;
    this.history = new ProgressHistory(pool);
    this.stripe = stripe;
  }

  Future<ProgressFacts> read(String sessionId) {
    return history.typical().compose(typical -> subscriptions.byCheckoutSession(pool, sessionId)
        .compose(link -> link.isEmpty() ? awaiting(sessionId, typical) : tenants.byId(pool, link.get().tenantId())
            .compose(tenant -> tenant.isEmpty() ? awaiting(sessionId, typical)
                : steps.all(pool, tenant.get().id()).compose(stepRecords -> tenants.contactEmail(pool,
                        tenant.get().id())
                    .map(email -> new ProgressFacts(tenant, link.get().requestedName(), stepRecords, email,
                        typical, Optional.empty()))))));
  }

  private Future<ProgressFacts> awaiting(String sessionId, Optional<Duration> typical) {
    if (stripe.isEmpty()) {
      return Future.succeededFuture(ProgressFacts.awaitingPayment(typical, Optional.empty()));
    }
    return stripe.get().paidSince(sessionId).map(paid -> ProgressFacts.awaitingPayment(typical, paid));
  }
}

package io.caprovisioner.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** The {@code subscriptions} rows: created with their tenant, then read and updated by the Stripe applier. */
public final class SubscriptionStore {

  /** @param lastEventCreated {@code created} of the newest event applied to it, null before the first */
  public record StoredSubscription(long id, long tenantId, Optional<String> priceId, Optional<String> status,
      Long lastEventCreated) {
  }

  /**
   * Serialises all work on one subscription until the transaction ends, also while it has no row
   * yet (events that arrive before their checkout), so concurrent workers apply its events one
   * at a time and in a consistent order.
   */
  public Future<Void> lockSubscription(SqlClient sql, String subscriptionId) {
    return sql.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 3))")
        .execute(Tuple.of("stripe-subscription:" + subscriptionId)).mapEmpty();
  }

  public Future<Optional<StoredSubscription>> find(SqlClient sql, String subscriptionId) {
    return sql.preparedQuery("SELECT id, tenant_id, stripe_price_id, status, last_event_created FROM subscriptions "
            + "WHERE stripe_subscription_id = $1").execute(Tuple.of(subscriptionId))
        .map(rows -> rows.size() == 0 || rows.iterator().next().getLong("tenant_id") == null ? Optional.empty()
            : Optional.of(map(rows.iterator().next())));
  }

  /** The subscription a new tenant was paid with, in the transaction that creates the tenant. */
  public Future<Void> insert(SqlClient sql, long userId, long tenantId, Optional<String> customerId,
      Optional<String> subscriptionId, Optional<String> priceId) {
    return sql.preparedQuery("INSERT INTO subscriptions (user_id, tenant_id, stripe_customer_id, "
            + "stripe_subscription_id, stripe_price_id) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(userId, tenantId, customerId.orElse(null), subscriptionId.orElse(null),
            priceId.orElse(null)))
        .mapEmpty();
  }

  /** Records what an applied event showed; values it did not show are kept. */
  public Future<Void> record(SqlClient sql, String subscriptionId, Optional<String> status, Optional<String> priceId,
      Optional<Long> currentPeriodEnd, long eventCreated) {
    return sql.preparedQuery("UPDATE subscriptions SET status = COALESCE($2, status), "
            + "stripe_price_id = COALESCE($3, stripe_price_id), current_period_end = COALESCE($4, current_period_end), "
            + "last_event_created = GREATEST(COALESCE(last_event_created, $5), $5), updated_at = now() "
            + "WHERE stripe_subscription_id = $1")
        .execute(Tuple.of(subscriptionId, status.orElse(null), priceId.orElse(null),
            currentPeriodEnd.map(s -> OffsetDateTime.ofInstant(Instant.ofEpochSecond(s), ZoneOffset.UTC)).orElse(null),
            eventCreated))
        .mapEmpty();
  }

  /**
   * The tenant a Checkout Session paid for.
   *
   * @param requestedName the site name the customer asked for at signup (metadata.requested_name)
   */
  public record CheckoutLink(long tenantId, Optional<String> requestedName) {
  }

  /** Links the subscription to the Checkout Session that created it, in the transaction that creates its tenant. */
  public Future<Void> linkCheckout(SqlClient sql, String subscriptionId, String sessionId,
      Optional<String> requestedName) {
    return sql.preparedQuery("UPDATE subscriptions SET checkout_session_id = $2, requested_name = $3, "
            + "updated_at = now() WHERE stripe_subscription_id = $1")
        .execute(Tuple.of(subscriptionId, sessionId, requestedName.orElse(null))).mapEmpty();
  }

  /** The tenant the Checkout Session {@code sessionId} created, once its checkout has been applied. */
  public Future<Optional<CheckoutLink>> byCheckoutSession(SqlClient sql, String sessionId) {
    return sql.preparedQuery("SELECT tenant_id, requested_name FROM subscriptions WHERE checkout_session_id = $1 "
            + "AND tenant_id IS NOT NULL").execute(Tuple.of(sessionId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new CheckoutLink(
            rows.iterator().next().getLong("tenant_id"),
            Optional.ofNullable(rows.iterator().next().getString("requested_name")))));
  }

  private static StoredSubscription map(Row r) {
    return new StoredSubscription(r.getLong("id"), r.getLong("tenant_id"),
        Optional.ofNullable(r.getString("stripe_price_id")), Optional.ofNullable(r.getString("status")),
        r.getLong("last_event_created"));
  }
}

package io.caprovisioner.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import io.caprovisioner.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;

/**
 * Reads a subscription's current state from Stripe's API (only when STRIPE_SECRET_KEY is set),
 * so events are acted on with what is true now rather than what was true when they were sent.
 * stripe-java blocks, so calls run on a worker thread.
 */
public final class StripeSubscriptions {
  private final Vertx vertx;
  private final Optional<StripeClient> client;

  public StripeSubscriptions(Vertx vertx, Config.Stripe config) {
    this.vertx = vertx;
    this.client = config.secretKey().map(key -> {
      StripeClient.StripeClientBuilder b = new StripeClient.StripeClientBuilder().setApiKey(key)
          .setConnectTimeout(10_000).setReadTimeout(20_000).setMaxNetworkRetries(2);
      config.apiBase().ifPresent(b::setApiBase);
      return b.build();
    });
  }

  public boolean enabled() {
    return client.isPresent();
  }

  /** Empty when no key is configured; a failed Future when Stripe cannot be asked (retried by the job). */
  public Future<Optional<SubscriptionSnapshot>> current(String subscriptionId) {
    if (client.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return vertx.executeBlocking(() -> {
      try {
        return Optional.of(snapshot(client.get().v1().subscriptions().retrieve(subscriptionId)));
      } catch (StripeException e) {
        throw new IllegalStateException("Stripe API: retrieving subscription " + subscriptionId + " failed: "
            + e.getMessage(), e);
      }
    }, false);
  }

  static SubscriptionSnapshot snapshot(Subscription sub) {
    Optional<SubscriptionItem> item = Optional.ofNullable(sub.getItems()).map(i -> i.getData())
        .filter(d -> !d.isEmpty()).map(d -> d.get(0));
    return new SubscriptionSnapshot(sub.getId(), sub.getStatus(), Optional.ofNullable(sub.getCustomer()),
        item.map(SubscriptionItem::getPrice).map(p -> p.getId()), item.map(SubscriptionItem::getCurrentPeriodEnd));
  }
}

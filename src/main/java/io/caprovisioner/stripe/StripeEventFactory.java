package io.caprovisioner.stripe;

import com.stripe.Stripe;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Builds events shaped like the ones Stripe sends at the API version stripe-java pins
 * ({@link Stripe#API_VERSION}), for {@code stripe trigger} and tests. Envelope and objects keep
 * Stripe's key order and the fields the service reads, plus the usual neighbours, so the same
 * code path parses them as real events.
 */
public final class StripeEventFactory {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private StripeEventFactory() {
  }

  /** A Stripe-style id: prefix and 24 random characters, e.g. {@code sub_1QxY...}. */
  public static String id(String prefix) {
    StringBuilder b = new StringBuilder(prefix).append('_').append('1');
    for (int i = 0; i < 23; i++) {
      b.append(ALNUM[RANDOM.nextInt(ALNUM.length)]);
    }
    return b.toString();
  }

  public static JsonObject envelope(String type, long created, JsonObject object, Optional<JsonObject> previous) {
    JsonObject data = new JsonObject().put("object", object);
    previous.ifPresent(p -> data.put("previous_attributes", p));
    return new JsonObject()
        .put("id", id("evt"))
        .put("object", "event")
        .put("api_version", Stripe.API_VERSION)
        .put("created", created)
        .put("data", data)
        .put("livemode", false)
        .put("pending_webhooks", 1)
        .put("request", new JsonObject().put("id", id("req")).put("idempotency_key", null))
        .put("type", type);
  }

  /** {@code checkout.session.completed} of a paid subscription checkout; {@code plan} goes to metadata.plan. */
  public static JsonObject checkoutCompleted(String email, Optional<String> plan, String customerId,
      String subscriptionId, long created) {
    JsonObject metadata = new JsonObject();
    plan.ifPresent(p -> metadata.put("plan", p));
    return checkoutCompleted(id("cs_test"), email, metadata, Optional.empty(), customerId, subscriptionId, created);
  }

  /**
   * The same for a given Checkout Session, as one created by {@code POST /signup/checkout} ends:
   * its id, its {@code metadata} ({@code plan}, {@code requested_name}) and {@code client_reference_id}.
   */
  public static JsonObject checkoutCompleted(String sessionId, String email, JsonObject metadata,
      Optional<String> clientReferenceId, String customerId, String subscriptionId, long created) {
    JsonObject session = new JsonObject()
        .put("id", sessionId)
        .put("object", "checkout.session")
        .put("amount_subtotal", 19900)
        .put("amount_total", 19900)
        .put("cancel_url", "https://example.org/cancel")
        .put("client_reference_id", clientReferenceId.orElse(null))
        .put("created", created - 60)
        .put("currency", "eur")
        .put("customer", customerId)
        .put("customer_creation", "always")
        .put("customer_details", new JsonObject().put("address", null).put("email", email).put("name", null)
            .put("phone", null).put("tax_exempt", "none").put("tax_ids", new JsonArray()))
        .put("customer_email", null)
        .put("expires_at", created + 86_340)
        .put("livemode", false)
        .put("metadata", metadata.copy())
        .put("mode", "subscription")
        .put("payment_intent", null)
        .put("payment_status", "paid")
        .put("status", "complete")
        .put("subscription", subscriptionId)
        .put("success_url", "https://example.org/welcome")
        .put("url", null);
    return envelope(StripeEventTypes.CHECKOUT_COMPLETED, created, session, Optional.empty());
  }

  /** {@code customer.subscription.updated} (or {@code .deleted}) showing {@code status} and one price. */
  public static JsonObject subscriptionEvent(String type, String subscriptionId, String customerId, String status,
      String priceId, long created) {
    long periodStart = created - 86_400;
    JsonObject price = new JsonObject()
        .put("id", priceId)
        .put("object", "price")
        .put("active", true)
        .put("billing_scheme", "per_unit")
        .put("currency", "eur")
        .put("livemode", false)
        .put("product", id("prod"))
        .put("recurring", new JsonObject().put("interval", "month").put("interval_count", 1)
            .put("usage_type", "licensed"))
        .put("type", "recurring")
        .put("unit_amount", 19900);
    JsonObject item = new JsonObject()
        .put("id", id("si"))
        .put("object", "subscription_item")
        .put("created", periodStart)
        .put("current_period_end", periodStart + 30L * 86_400)
        .put("current_period_start", periodStart)
        .put("metadata", new JsonObject())
        .put("price", price)
        .put("quantity", 1)
        .put("subscription", subscriptionId);
    boolean ended = "canceled".equals(status);
    JsonObject sub = new JsonObject()
        .put("id", subscriptionId)
        .put("object", "subscription")
        .put("billing_cycle_anchor", periodStart)
        .put("cancel_at", null)
        .put("cancel_at_period_end", false)
        .put("canceled_at", ended ? created : null)
        .put("collection_method", "charge_automatically")
        .put("created", periodStart)
        .put("currency", "eur")
        .put("customer", customerId)
        .put("ended_at", ended ? created : null)
        .put("items", new JsonObject().put("object", "list").put("data", new JsonArray().add(item))
            .put("has_more", false).put("total_count", 1).put("url", "/v1/subscription_items?subscription="
                + subscriptionId))
        .put("latest_invoice", id("in"))
        .put("livemode", false)
        .put("metadata", new JsonObject())
        .put("start_date", periodStart)
        .put("status", status);
    Optional<JsonObject> previous = StripeEventTypes.SUBSCRIPTION_UPDATED.equals(type)
        ? Optional.of(new JsonObject().put("status", "active".equals(status) ? "past_due" : "active"))
        : Optional.empty();
    return envelope(type, created, sub, previous);
  }

  /** {@code invoice.payment_failed} or {@code invoice.payment_succeeded} of a subscription's renewal. */
  public static JsonObject invoiceEvent(boolean paid, String subscriptionId, String customerId, long created) {
    JsonObject invoice = new JsonObject()
        .put("id", id("in"))
        .put("object", "invoice")
        .put("amount_due", 19900)
        .put("amount_paid", paid ? 19900 : 0)
        .put("amount_remaining", paid ? 0 : 19900)
        .put("attempt_count", 1)
        .put("attempted", true)
        .put("billing_reason", "subscription_cycle")
        .put("collection_method", "charge_automatically")
        .put("created", created - 3600)
        .put("currency", "eur")
        .put("customer", customerId)
        .put("livemode", false)
        .put("next_payment_attempt", paid ? null : created + 3 * 86_400)
        .put("parent", new JsonObject().put("quote_details", null)
            .put("subscription_details", new JsonObject().put("metadata", new JsonObject())
                .put("subscription", subscriptionId))
            .put("type", "subscription_details"))
        .put("period_end", created - 3600)
        .put("period_start", created - 3600 - 30L * 86_400)
        .put("status", paid ? "paid" : "open")
        .put("total", 19900);
    return envelope(paid ? StripeEventTypes.INVOICE_PAYMENT_SUCCEEDED : StripeEventTypes.INVOICE_PAYMENT_FAILED,
        created, invoice, Optional.empty());
  }
}

package io.caprovisioner.stripe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Pure: a stored Stripe event body with the customer's personal details blanked (set to null):
 * names, postal addresses, phone numbers, shipping and tax ids, wherever they appear. Kept: every
 * id, the type, status, prices and items, {@code metadata} (the plan and requested site name the
 * signup put there) and the customer's email, which a replay of a checkout needs and the tenant
 * record holds anyway. The result is still a readable event of the same shape.
 */
final class PayloadRedaction {
  static final Set<String> PERSONAL_KEYS = Set.of("name", "address", "phone", "shipping", "shipping_details",
      "billing_details", "tax_ids", "customer_name", "customer_address", "customer_phone", "customer_shipping",
      "customer_tax_ids", "individual_name", "business_name");

  private PayloadRedaction() {
  }

  static String redact(String payload) {
    JsonObject event = new JsonObject(payload);
    walk(event);
    return event.encode();
  }

  private static void walk(Object node) {
    if (node instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        if (key.equals("metadata")) {
          continue;
        }
        if (PERSONAL_KEYS.contains(key)) {
          o.putNull(key);
        } else {
          walk(o.getValue(key));
        }
      }
    } else if (node instanceof JsonArray a) {
      a.forEach(PayloadRedaction::walk);
    }
  }
}

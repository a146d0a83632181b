package io.caprovisioner.stripe;

import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which plan a subscription checkout buys. Pure. In order: the subscription's price as Stripe's
 * API reports it now, the session's {@code metadata.plan}, the price shown by a subscription
 * event that arrived before the checkout.
 */
public sealed interface CheckoutPlan {
  record Found(String plan, Optional<String> priceId, String source) implements CheckoutPlan {
  }

  /** Something names a plan, but nothing we sell: the tenant is not created. */
  record Unknown(String reason) implements CheckoutPlan {
  }

  /** Nothing names a plan yet: wait for a subscription event that shows the price. */
  record NotYetKnown() implements CheckoutPlan {
  }

  static CheckoutPlan resolve(PlanCatalog plans, Optional<String> currentPrice, Optional<String> metadataPlan,
      Optional<String> earlierEventPrice) {
    List<String> unknown = new ArrayList<>();
    if (currentPrice.isPresent()) {
      Optional<Plan> p = plans.byStripePrice(currentPrice.get());
      if (p.isPresent()) {
        return new Found(p.get().name(), currentPrice, "price " + currentPrice.get() + " (Stripe API)");
      }
      unknown.add("price " + currentPrice.get());
    }
    if (metadataPlan.isPresent()) {
      Optional<Plan> p = plans.byName(metadataPlan.get());
      if (p.isPresent()) {
        return new Found(p.get().name(), currentPrice, "metadata.plan");
      }
      unknown.add("metadata.plan '" + metadataPlan.get() + "'");
    }
    if (earlierEventPrice.isPresent() && currentPrice.isEmpty()) {
      Optional<Plan> p = plans.byStripePrice(earlierEventPrice.get());
      if (p.isPresent()) {
        return new Found(p.get().name(), earlierEventPrice, "price " + earlierEventPrice.get()
            + " (subscription event)");
      }
      unknown.add("price " + earlierEventPrice.get());
    }
    if (unknown.isEmpty()) {
      return new NotYetKnown();
    }
    return new Unknown("unknown plan: " + String.join(", ", unknown) + " match no configured plan (plans: "
        + String.join(", ", plans.names()) + "; map prices with PLANS_FILE or STRIPE_PRICE_PLANS, then replay)");
  }
}

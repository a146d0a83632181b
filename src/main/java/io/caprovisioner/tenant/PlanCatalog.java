package io.caprovisioner.tenant;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The plans on sale and which Stripe price buys which plan. */
public final class PlanCatalog {
  private final Map<String, Plan> byName;
  private final Map<String, Plan> byPriceId;

  public PlanCatalog(List<Plan> plans) {
    if (plans.isEmpty()) {
      throw new IllegalArgumentException("the plan catalogue is empty");
    }
    Map<String, Plan> names = new LinkedHashMap<>();
    Map<String, Plan> prices = new HashMap<>();
    for (Plan plan : plans) {
      if (names.put(plan.name(), plan) != null) {
        throw new IllegalArgumentException("plan '" + plan.name() + "' is defined twice");
      }
      for (String price : plan.stripePriceIds()) {
        Plan other = prices.put(price, plan);
        if (other != null) {
          throw new IllegalArgumentException(
              "Stripe price " + price + " maps to both '" + other.name() + "' and '" + plan.name() + "'");
        }
      }
    }
    this.byName = Map.copyOf(names);
    this.byPriceId = Map.copyOf(prices);
    this.ordered = List.copyOf(names.values());
  }

  private final List<Plan> ordered;

  /** The defaults used when no PLANS_FILE is given. */
  public static PlanCatalog defaults() {
    return new PlanCatalog(List.of(
        new Plan("starter", "Starter", 4900, "EUR",
            new Plan.Resources("250m", "512Mi", "1", "1Gi"), "10Gi", "default", List.of(),
            new Plan.BackupPolicy(Duration.ofHours(24), 7)),
        new Plan("pro", "Pro", 19900, "EUR",
            new Plan.Resources("500m", "1Gi", "2", "2Gi"), "100Gi", "default", List.of(),
            new Plan.BackupPolicy(Duration.ofHours(24), 14)),
        new Plan("museum", "Museum", 79900, "EUR",
            new Plan.Resources("1", "2Gi", "4", "4Gi"), "500Gi", "default", List.of(),
            new Plan.BackupPolicy(Duration.ofHours(12), 60))));
  }

  /** A copy whose plans also answer to the given price ids (STRIPE_PRICE_PLANS). */
  public PlanCatalog withPrices(Map<String, String> priceIdToPlan) {
    Map<String, List<String>> extra = new HashMap<>();
    priceIdToPlan.forEach((price, plan) -> {
      if (!byName.containsKey(plan)) {
        throw new IllegalArgumentException("Stripe price " + price + " maps to unknown plan '" + plan + "'");
      }
      extra.computeIfAbsent(plan, p -> new java.util.ArrayList<>()).add(price);
    });
    return new PlanCatalog(ordered.stream().map(p -> {
      List<String> prices = new java.util.ArrayList<>(p.stripePriceIds());
      for (String price : extra.getOrDefault(p.name(), List.of())) {
        if (!prices.contains(price)) {
          prices.add(price);
        }
      }
      return new Plan(p.name(), p.displayName(), p.monthlyPrice(), p.currency(), p.resources(), p.storage(),
          p.caProfile(), prices, p.backups());
    }).toList());
  }

  /** The backup policy of plan {@code name}; a plan no longer on sale keeps {@link Plan.BackupPolicy#DEFAULT}. */
  public Plan.BackupPolicy backupPolicy(String name) {
    return byName(name).map(Plan::backups).orElse(Plan.BackupPolicy.DEFAULT);
  }

  public Optional<Plan> byName(String name) {
    return Optional.ofNullable(name == null ? null : byName.get(name));
  }

  public Optional<Plan> byStripePrice(String priceId) {
    return Optional.ofNullable(priceId == null ? null : byPriceId.get(priceId));
  }

  public Collection<Plan> all() {
    return ordered;
  }

  public List<String> names() {
    return ordered.stream().map(Plan::name).toList();
  }
}

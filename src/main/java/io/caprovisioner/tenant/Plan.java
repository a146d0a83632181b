package io.caprovisioner.tenant;

import java.util.List;

/**
 * What a customer buys: the resources of their site and the CollectiveAccess installation
 * profile. Plans come from configuration (PLANS_FILE), never from code.
 *
 * @param name           e.g. {@code pro}; also the value of the chart's {@code plan.name}
 * @param monthlyPrice   in minor units (cents)
 * @param storage        media volume size, a Kubernetes quantity such as {@code 20Gi}
 * @param caProfile      CollectiveAccess installation profile for {@code caUtils install}
 * @param stripePriceIds Stripe price ids that buy this plan
 */
public record Plan(String name, String displayName, long monthlyPrice, String currency, Resources resources,
    String storage, String caProfile, List<String> stripePriceIds) {

  public Plan {
    stripePriceIds = List.copyOf(stripePriceIds);
  }

  public record Resources(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {
  }
}

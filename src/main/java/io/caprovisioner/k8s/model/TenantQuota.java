package io.caprovisioner.k8s.model;

import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pure: what a tenant namespace may use, from its plan. The quota holds the site's pod and its
 * task-queue run at the plan's size at once, plus one maintenance Job (installer, backup,
 * restore: {@link RestrictedPod}'s size) and the plan's media volume; nothing more can be
 * scheduled there. The LimitRange gives a container that names no resources the Job's size, so
 * the quota never refuses it for lack of a request.
 */
public final class TenantQuota {
  public static final String NAME = "ca-tenant";
  /** The size of one maintenance Job's container (see the Job builders). */
  static final String JOB_CPU_REQUEST = "100m";
  static final String JOB_MEMORY_REQUEST = "256Mi";
  static final String JOB_CPU_LIMIT = "1";
  static final String JOB_MEMORY_LIMIT = "1Gi";

  private TenantQuota() {
  }

  public static ResourceQuota quota(TenantNames names, Plan plan) {
    Plan.Resources r = plan.resources();
    Map<String, Quantity> hard = new LinkedHashMap<>();
    hard.put("requests.cpu", sum(r.cpuRequest(), r.cpuRequest(), JOB_CPU_REQUEST));
    hard.put("requests.memory", sum(r.memoryRequest(), r.memoryRequest(), JOB_MEMORY_REQUEST));
    hard.put("limits.cpu", sum(r.cpuLimit(), r.cpuLimit(), JOB_CPU_LIMIT));
    hard.put("limits.memory", sum(r.memoryLimit(), r.memoryLimit(), JOB_MEMORY_LIMIT));
    hard.put("requests.storage", new Quantity(plan.storage()));
    hard.put("persistentvolumeclaims", new Quantity("1"));
    hard.put("pods", new Quantity("10"));
    return new ResourceQuotaBuilder().withNewMetadata().withName(NAME).withNamespace(names.namespace())
        .withLabels(TenantLabels.of(names)).endMetadata().withNewSpec().withHard(hard).endSpec().build();
  }

  public static LimitRange limits(TenantNames names) {
    return new LimitRangeBuilder().withNewMetadata().withName(NAME).withNamespace(names.namespace())
        .withLabels(TenantLabels.of(names)).endMetadata()
        .withNewSpec().addNewLimit().withType("Container")
          .addToDefaultRequest("cpu", new Quantity(JOB_CPU_REQUEST)).addToDefaultRequest("memory", new Quantity(JOB_MEMORY_REQUEST))
          .addToDefault("cpu", new Quantity(JOB_CPU_LIMIT)).addToDefault("memory", new Quantity(JOB_MEMORY_LIMIT))
        .endLimit().endSpec().build();
  }

  /** The quantities added up, in base units (cores, bytes). */
  static Quantity sum(String... quantities) {
    BigDecimal total = BigDecimal.ZERO;
    for (String q : quantities) {
      total = total.add(Quantity.getAmountInBytes(new Quantity(q)));
    }
    return new Quantity(total.stripTrailingZeros().toPlainString());
  }
}

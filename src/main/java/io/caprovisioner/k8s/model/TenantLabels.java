package io.caprovisioner.k8s.model;

import io.caprovisioner.tenant.TenantNames;
import java.util.Map;

/** Labels on what the runner creates, so operators (and the runner) can find a tenant's objects. */
public final class TenantLabels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String TENANT = "caprovisioner.io/tenant";

  private TenantLabels() {
  }

  public static Map<String, String> of(TenantNames names) {
    return Map.of(MANAGED_BY, "ca-provisioner", TENANT, names.id());
  }

  /** The namespace's labels: ours, and Pod Security {@code restricted} enforced (every pod there passes it). */
  public static Map<String, String> namespace(TenantNames names) {
    Map<String, String> labels = new java.util.HashMap<>(of(names));
    labels.put("pod-security.kubernetes.io/enforce", "restricted");
    labels.put("pod-security.kubernetes.io/enforce-version", "latest");
    labels.put("pod-security.kubernetes.io/warn", "restricted");
    labels.put("pod-security.kubernetes.io/audit", "restricted");
    return Map.copyOf(labels);
  }
}

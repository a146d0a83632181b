package io.caprovisioner.k8s;

import io.caprovisioner.tenant.TenantNames;
import java.util.Map;

/** Labels on what the runner creates, so operators (and the runner) can find a tenant's objects. */
final class TenantLabels {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String TENANT = "caprovisioner.io/tenant";

  private TenantLabels() {
  }

  static Map<String, String> of(TenantNames names) {
    return Map.of(MANAGED_BY, "ca-provisioner", TENANT, names.id());
  }
}

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
}

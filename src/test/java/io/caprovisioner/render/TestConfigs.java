package io.caprovisioner.render;

import io.caprovisioner.tenant.TenantDesired;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Configurations and tenants as the service would build them, for the render and gitops tests. */
public final class TestConfigs {
  private TestConfigs() {
  }

  /** Dev-mode configuration under {@code home}, plus the given environment variables. */
  public static Config config(Path home, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("PROVISIONER_HOME", home.toString());
    env.putAll(extra);
    return ConfigLoader.load(env);
  }

  public static TenantDesired stripeTenant(Config config, String id, String plan) {
    return new TenantDesired(TenantNames.of(id, config.tenants().baseDomain()), config.plans().byName(plan)
        .orElseThrow(), TenantState.ACTIVE, TenantSource.STRIPE, Optional.empty(),
        Optional.of("cus_" + id.toUpperCase().replace("-", "")), Optional.empty());
  }

  public static TenantDesired manualTenant(Config config, String slug, String plan, String adminEmail) {
    return new TenantDesired(TenantNames.of(slug, config.tenants().baseDomain()), config.plans().byName(plan)
        .orElseThrow(), TenantState.ACTIVE, TenantSource.MANUAL, Optional.empty(), Optional.empty(),
        Optional.of(adminEmail));
  }
}

package io.caprovisioner.render;

import io.caprovisioner.tenant.TenantDesired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.TenantState;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantYamlTest {
  @TempDir
  Path home;

  @Test
  void whatTheRendererWritesParsesBackToTheSameDesiredState() {
    Config config = TestConfigs.config(home, Map.of());
    YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
    TenantDesired stripe = TestConfigs.stripeTenant(config, "ab12cd34", "pro");
    TenantDesired manual = TestConfigs.manualTenant(config, "city-museum", "museum", "registrar@city-museum.org");
    TenantDesired pinnedSuspended = new TenantDesired(stripe.names(), stripe.plan(), TenantState.SUSPENDED,
        stripe.source(), Optional.of("0.2.0"), stripe.stripeCustomerId(), Optional.empty());

    for (TenantDesired tenant : new TenantDesired[] {stripe, manual, pinnedSuspended}) {
      String text = renderer.render(tenant).files().get("tenant.yaml");
      assertThat(TenantYaml.parse(text, config.plans(), config)).isEqualTo(tenant);
    }
  }

  static final String VALID = """
      apiVersion: caprovisioner.io/v1
      kind: Tenant
      metadata:
        name: tenant-city-museum
      spec:
        id: city-museum
        plan: pro
        state: active
        source: manual
        domain: tenant-city-museum.collectiveaccess.localhost
        adminEmail: registrar@city-museum.org
      """;

  void rejects(String text, String field, String messagePart) {
    Config config = TestConfigs.config(home, Map.of());
    assertThatThrownBy(() -> TenantYaml.parse(text, config.plans(), config)).isInstanceOf(TenantYamlException.class)
        .satisfies(e -> assertThat(((TenantYamlException) e).field()).isEqualTo(field))
        .hasMessageContaining(messagePart);
  }

  @Test
  void errorsNameTheFieldToFix() {
    Config config = TestConfigs.config(home, Map.of());
    assertThat(TenantYaml.parse(VALID, config.plans(), config).names().id()).isEqualTo("city-museum");
    rejects(VALID.replace("plan: pro", "plan: gold"), "spec.plan", "known: starter, pro, museum");
    rejects(VALID.replace("name: tenant-city-museum", "name: tenant-other"), "metadata.name", "tenant-city-museum");
    rejects(VALID.replace("source: manual", "source: stripe"), "spec.adminEmail", "only manual tenants");
    rejects(VALID.replace("state: active", "state: paused"), "spec.state", "active, suspended");
    rejects(VALID.replace("domain: tenant-city-museum.", "domain: evil."), "spec.domain", "derived");
    rejects(VALID.replace("id: city-museum", "id: City_Museum"), "spec.id", "must match");
    rejects(VALID + "  password: hunter2\n", "spec.password", "unknown field");
    rejects(VALID.replace("plan: pro", "plan: 42"), "spec.plan", "must be text");
    rejects(VALID.replace("kind: Tenant", "kind: Secret"), "kind", "must be Tenant");
    rejects(VALID.replace("adminEmail: registrar@city-museum.org", "stripeCustomer: bob"), "spec.stripeCustomer",
        "cus_");
    rejects(VALID + "---\n" + VALID, "", "exactly one YAML document");
    rejects("spec: [unclosed", "", "not valid YAML");
  }
}

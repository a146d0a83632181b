package io.caprovisioner.render;

import io.caprovisioner.tenant.TenantDesired;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every manifest the service can render is one Argo CD / Flux accepts; tenant.yaml matches its schema. */
class ManifestSchemaTest {
  private static CrdSchemas crds;
  @TempDir
  Path home;

  /** Loaded once, by the first test that needs it (skipped, and counted so, without ../shared/crds). */
  private static CrdSchemas crds() {
    if (crds == null) {
      crds = new CrdSchemas();
    }
    return crds;
  }

  static final List<Map<String, String>> SETUPS = List.of(
      Map.of(),
      Map.of("GITOPS_FLAVOR", "flux"),
      Map.of("HELM_CHART_REPO", "https://github.com/caprovisioner/ca-provisioner.git",
          "HELM_CHART_PATH", "helm/collectiveaccess", "HELM_CHART_VERSION", "v0.1.0"),
      Map.of("GITOPS_FLAVOR", "flux", "HELM_CHART_REPO", "https://github.com/caprovisioner/ca-provisioner.git",
          "HELM_CHART_PATH", "helm/collectiveaccess", "HELM_CHART_VERSION", "v0.1.0"));

  @Test
  void everyFlavorPlanAndSourceRendersSchemaValidManifests() throws Exception {
    JsonSchema tenantSchema = tenantSchema();
    List<String> problems = new ArrayList<>();
    int manifests = 0;
    for (Map<String, String> setup : SETUPS) {
      Config config = TestConfigs.config(home, setup);
      YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
      for (Plan plan : config.plans().all()) {
        for (TenantDesired tenant : List.of(TestConfigs.stripeTenant(config, "ab12cd34", plan.name()),
            TestConfigs.manualTenant(config, "city-museum", plan.name(), "registrar@city-museum.org"))) {
          RenderedTenant rendered = renderer.render(tenant);
          for (Object doc : CrdSchemas.loadAll(rendered.files().get(renderer.manifestFileName()))) {
            problems.addAll(crds().validate(doc));
            manifests++;
          }
          Object tenantYaml = CrdSchemas.loadAll(rendered.files().get("tenant.yaml")).get(0);
          tenantSchema.validate(new ObjectMapper().valueToTree(tenantYaml))
              .forEach(m -> problems.add("tenant.yaml: " + m.getMessage()));
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(manifests).isEqualTo(4 * 3 * 2); // one Application or HelmRelease per tenant, nothing else
  }

  @Test
  void theSchemaCheckRejectsAMisspelledField() {
    Config config = TestConfigs.config(home, Map.of());
    String application = YamlTenantRenderer.fromConfig(config)
        .render(TestConfigs.stripeTenant(config, "ab12cd34", "pro")).files().get("application.yaml")
        .replace("selfHeal: true", "selfheal: true");
    assertThat(crds().validate(CrdSchemas.loadAll(application).get(0))).isNotEmpty();
  }

  @Test
  void tenantSchemaRejectsAnEmailOnAStripeTenant() throws Exception {
    String yaml = """
        apiVersion: caprovisioner.io/v1
        kind: Tenant
        metadata: {name: tenant-ab12cd34}
        spec: {id: ab12cd34, plan: pro, state: active, source: stripe,
               domain: tenant-ab12cd34.example.org, adminEmail: someone@example.org}
        """;
    assertThat(tenantSchema().validate(new ObjectMapper().valueToTree(CrdSchemas.loadAll(yaml).get(0)))).isNotEmpty();
  }

  static JsonSchema tenantSchema() throws Exception {
    String schema = Files.readString(Path.of("gitops-template/skeleton/schema/tenant.schema.json"));
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
  }
}

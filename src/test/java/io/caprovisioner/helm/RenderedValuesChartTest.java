package io.caprovisioner.helm;

import static io.caprovisioner.helm.Charts.req;
import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.Config;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.render.TestConfigs;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.TenantState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract from the renderer's side: the {@code valuesObject} text the service commits, read
 * by real Helm (YAML 1.1, as Argo CD reads it), renders a complete site with this repository's
 * tenant chart.
 */
class RenderedValuesChartTest {
  @TempDir
  static Path home;

  /** The lines under {@code valuesObject:}, dedented: the text Argo CD hands to Helm. */
  static String valuesObjectText(String applicationYaml) {
    List<String> lines = applicationYaml.lines().toList();
    int start = -1;
    int indent = 0;
    for (int i = 0; i < lines.size(); i++) {
      String trimmed = lines.get(i).stripLeading();
      if (trimmed.startsWith("valuesObject:")) {
        start = i + 1;
        indent = lines.get(i).length() - trimmed.length();
        break;
      }
    }
    assertThat(start).as("application.yaml has a valuesObject").isPositive();
    List<String> block = new ArrayList<>();
    for (int i = start; i < lines.size(); i++) {
      String line = lines.get(i);
      int lead = line.length() - line.stripLeading().length();
      if (!line.isBlank() && lead <= indent) {
        break;
      }
      block.add(line.isBlank() ? "" : line.substring(indent + 2));
    }
    return String.join("\n", block) + "\n";
  }

  @ParameterizedTest(name = "{0} tenant {1} on {2}, suspended={3}")
  @CsvSource({"stripe, ab2cd3ef, starter, false", "stripe, zz7kq2mn, pro, true", "manual, city-museum, museum, false",
      "manual, yes, pro, false", "manual, off, starter, true", "manual, 123abc-x, museum, false"})
  void committedValuesRenderACompleteSite(String source, String id, String planName, boolean suspended) {
    if (!Character.isLetter(id.charAt(0))) {
      id = "t" + id;
    }
    Config config = TestConfigs.config(home, Map.of("BASE_DOMAIN", "museums.example.org"));
    TenantDesired base = source.equals("stripe") ? TestConfigs.stripeTenant(config, id, planName)
        : TestConfigs.manualTenant(config, id, planName, "staff@example.org");
    TenantDesired desired = new TenantDesired(base.names(), base.plan(),
        suspended ? TenantState.SUSPENDED : TenantState.ACTIVE, base.source(), base.chartVersion(),
        base.stripeCustomerId(), base.adminEmail());
    RenderedTenant rendered = YamlTenantRenderer.fromConfig(config).render(desired);
    String values = valuesObjectText(rendered.files().get("application.yaml"));
    Plan plan = desired.plan();

    Charts.Manifests site = Charts.renderTenantFromYaml(desired.names().helmRelease(), values);

    assertThat(site.kinds()).contains("Deployment", "Service", "Ingress", "PersistentVolumeClaim", "CronJob",
        "ConfigMap", "NetworkPolicy");
    Map<String, Object> deployment = site.one("Deployment");
    assertThat((Integer) req(deployment, "spec", "replicas")).isEqualTo(suspended ? 0 : 1);
    assertThat((Boolean) req(site.one("CronJob"), "spec", "suspend")).isEqualTo(suspended);
    Map<String, Object> container = req(deployment, "spec", "template", "spec", "containers", 0);
    assertThat((String) req(container, "image")).isEqualTo(config.tenants().image());
    assertThat((String) req(container, "resources", "limits", "memory")).isEqualTo(plan.resources().memoryLimit());
    assertThat((String) req(container, "resources", "requests", "cpu")).isEqualTo(plan.resources().cpuRequest());
    assertThat((String) req(site.one("Ingress"), "spec", "rules", 0, "host")).isEqualTo(desired.names().domain());
    assertThat((String) req(site.one("PersistentVolumeClaim"), "spec", "resources", "requests", "storage"))
        .isEqualTo(plan.storage());
    // a tenant called "yes" or "off" stays a string for YAML 1.1 readers (Helm, Argo CD, kubectl)
    assertThat(site.docs()).allSatisfy(doc -> {
      Map<String, Object> labels = Charts.at(doc, "metadata", "labels");
      if (labels != null) {
        labels.values().forEach(v -> assertThat(v).isInstanceOf(String.class));
      }
    });
    assertThat(values).doesNotContain("staff@example.org");
  }

  /** The YAML block under the README's "### Plans" heading: the example operators copy. */
  static String readmePlansExample() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("\n### Plans\n");
    assertThat(section).as("README has a Plans section").isPositive();
    int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  @Test
  void theReadmesArchivePlanFromPlansFileRendersThroughHelm() throws Exception {
    Path plans = home.resolve("readme-plans.yaml");
    Files.writeString(plans, readmePlansExample());
    Config config = TestConfigs.config(home, Map.of("PLANS_FILE", plans.toString(), "BASE_DOMAIN", "museums.example.org"));
    assertThat(config.plans().names()).as("the README's example is the archive plan").contains("archive");
    TenantDesired desired = TestConfigs.stripeTenant(config, "ab2cd3ef", "archive");
    String values = valuesObjectText(YamlTenantRenderer.fromConfig(config).render(desired).files()
        .get("application.yaml"));

    Charts.Manifests site = Charts.renderTenantFromYaml(desired.names().helmRelease(), values);

    Map<String, Object> deployment = site.one("Deployment");
    assertThat((String) req(deployment, "metadata", "labels", "caprovisioner.io/plan")).isEqualTo("archive");
    Map<String, Object> container = req(deployment, "spec", "template", "spec", "containers", 0);
    assertThat((String) req(container, "resources", "limits", "memory")).isEqualTo("1Gi");
    assertThat((String) req(site.one("PersistentVolumeClaim"), "spec", "resources", "requests", "storage"))
        .isEqualTo("1Ti");
  }
}

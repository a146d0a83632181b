package io.caprovisioner.helm;

import static io.caprovisioner.helm.Charts.req;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.LintResult;
import io.caprovisioner.helm.Charts.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's monitoring: the metrics port, the ServiceMonitor, the alert rules (checked by
 * Debian's promtool as rendered by real Helm), the Grafana dashboard, and the stop budget.
 */
public class MonitoringChartTest {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final Map<String, Object> ALL_ON = Map.of("serviceMonitor", Map.of("enabled", true),
      "prometheusRule", Map.of("enabled", true, "runbookUrl", "https://ops.example.org/ca-provisioner/runbook"),
      "grafanaDashboard", Map.of("enabled", true));

  @TempDir
  Path tmp;

  static Manifests render(Map<String, Object> values) {
    return Charts.render(Charts.PROVISIONER_CHART, "ca-provisioner", "ca-system", values);
  }

  /** The alert rules as Helm renders them. */
  static List<Map<String, Object>> alertRules() {
    List<Map<String, Object>> groups = req(render(ALL_ON).one("PrometheusRule"), "spec", "groups");
    List<Map<String, Object>> rules = new ArrayList<>();
    groups.forEach(g -> rules.addAll(req(g, "rules")));
    return rules;
  }

  /** Every PromQL expression of the dashboard, as Grafana would send it. */
  public static List<String> dashboardExpressions() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Charts.PROVISIONER_CHART.resolve("dashboards/ca-provisioner.json")
        .toFile());
    List<String> exprs = new ArrayList<>();
    dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
    return exprs;
  }

  /** Every alert expression, as rendered. */
  public static List<String> alertExpressions() {
    return alertRules().stream().map(r -> (String) r.get("expr")).toList();
  }

  @Test
  void offByDefaultAndTheMetricsPortStaysInsideTheCluster() {
    Manifests m = render(Map.of());
    assertThat(m.kinds()).doesNotContain("PrometheusRule", "ServiceMonitor", "ConfigMap");
    Map<String, Object> c = req(m.one("Deployment"), "spec", "template", "spec", "containers", 0);
    assertThat(CaProvisionerChartTest.env(c)).containsEntry("MANAGEMENT_PORT", "9464")
        .containsEntry("DRAIN_DELAY_SECONDS", "5");
    assertThat(Charts.<List<Map<String, Object>>>req(c, "ports")).anySatisfy(p -> assertThat(p)
        .containsEntry("name", "metrics").containsEntry("containerPort", 9464));
    assertThat(Charts.<List<Map<String, Object>>>req(m.one("Service"), "spec", "ports"))
        .extracting(p -> p.get("name")).containsExactly("http", "metrics");
    // the public routes point at the HTTP port only
    Manifests exposed = render(Map.of("ingress", Map.of("enabled", true, "host", "ca.example.org"),
        "httpRoute", Map.of("enabled", true, "parentRefs", List.of(Map.of("name", "public")))));
    assertThat(Charts.dump(exposed.one("Ingress"))).doesNotContain("metrics").doesNotContain("9464");
    assertThat(Charts.dump(exposed.one("HTTPRoute"))).doesNotContain("metrics").doesNotContain("9464");
  }

  @Test
  void probesAndTheStopBudget() {
    Map<String, Object> pod = req(render(Map.of("drain", Map.of("preStopSeconds", 4, "delaySeconds", 12)))
        .one("Deployment"), "spec", "template", "spec");
    Map<String, Object> c = req(pod, "containers", 0);
    assertThat(Charts.<String>req(c, "livenessProbe", "httpGet", "path")).isEqualTo("/livez");
    assertThat(Charts.<String>req(c, "startupProbe", "httpGet", "path")).isEqualTo("/livez");
    assertThat(Charts.<String>req(c, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
    assertThat(Charts.<Integer>req(c, "lifecycle", "preStop", "sleep", "seconds")).isEqualTo(4);
    assertThat(CaProvisionerChartTest.env(c)).containsEntry("DRAIN_DELAY_SECONDS", "12");
    // preStop + the drain delay + 20 s of requests + 30 s of jobs, and time to close
    assertThat(Charts.<Integer>req(pod, "terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(4 + 12 + 20 + 30);

    Map<String, Object> noPreStop = req(render(Map.of("drain", Map.of("preStopSeconds", 0, "delaySeconds", 5)))
        .one("Deployment"), "spec", "template", "spec", "containers", 0);
    assertThat(noPreStop).doesNotContainKey("lifecycle");
  }

  @Test
  void everyAlertHasASummaryADescriptionAndARunbookSection() throws IOException {
    String readme = Files.readString(Charts.PROVISIONER_CHART.resolve("README.md"));
    String runbook = readme.substring(readme.indexOf("## Runbook"));
    List<Map<String, Object>> rules = alertRules();
    assertThat(rules).extracting(r -> r.get("alert")).contains("CaProvisionerDeadJobs",
        "CaProvisionerTenantWaitingAtStep", "CaProvisionerSlowProvisioning", "CaProvisionerWebhookSignatureRefusals",
        "CaProvisionerGitPushFailing");
    for (Map<String, Object> rule : rules) {
      String alert = (String) rule.get("alert");
      Map<String, Object> annotations = req(rule, "annotations");
      assertThat((String) annotations.get("summary")).as(alert).isNotBlank();
      assertThat((String) annotations.get("description")).as(alert).hasSizeGreaterThan(60);
      assertThat(runbook).as("runbook section of " + alert).contains("### " + alert);
      assertThat((String) annotations.get("runbook_url")).as(alert)
          .isEqualTo("https://ops.example.org/ca-provisioner/runbook#" + alert.substring("CaProvisioner".length())
              .toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Test
  void promtoolAcceptsTheRenderedRules() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PROMTOOL),
        "/usr/bin/promtool is missing (Debian package prometheus; .ci/run installs it): skipped");
    Path rules = tmp.resolve("rules.yaml");
    Files.writeString(rules, Charts.dump(Map.of("groups", req(render(ALL_ON).one("PrometheusRule"), "spec", "groups"))));
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", rules.toString()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("SUCCESS: " + alertRules().size() + " rules found");

    // and promtool can fail: a broken expression is refused
    Files.writeString(rules, "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(\n");
    Process broken = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", rules.toString())
        .redirectErrorStream(true).start();
    broken.getInputStream().readAllBytes();
    assertThat(broken.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(broken.exitValue()).isNotZero();
  }

  @Test
  void theDashboardIsAConfigMapForGrafanasSidecar() throws IOException {
    Map<String, Object> cm = render(ALL_ON).one("ConfigMap");
    assertThat(Charts.<Map<String, Object>>req(cm, "metadata", "labels")).containsEntry("grafana_dashboard", "1");
    JsonNode dashboard = new ObjectMapper().readTree(Charts.<String>req(cm, "data", "ca-provisioner.json"));
    assertThat(dashboard.get("uid").asText()).isEqualTo("ca-provisioner-fleet");
    List<String> titles = new ArrayList<>();
    dashboard.get("panels").forEach(p -> titles.add(p.get("title").asText()));
    assertThat(titles).contains("Tenants by status", "Provisioning funnel", "Oldest waiting step", "Stripe webhooks",
        "Git pushes by result");
    assertThat(dashboardExpressions()).hasSizeGreaterThan(15).allSatisfy(e -> assertThat(e).isNotBlank());
  }

  @Test
  void theChartLintsStrictWithEveryMonitoringPartEnabled() throws IOException {
    Path chart = tmp.resolve("ca-provisioner");
    try (Stream<Path> files = Files.walk(Charts.PROVISIONER_CHART)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = chart.resolve(Charts.PROVISIONER_CHART.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    String values = Files.readString(chart.resolve("values.yaml"));
    for (String part : List.of("serviceMonitor", "prometheusRule", "grafanaDashboard")) {
      values = values.replace(part + ":\n  enabled: false", part + ":\n  enabled: true");
    }
    assertThat(values).doesNotContain("Monitor:\n  enabled: false").contains("prometheusRule:\n  enabled: true")
        .contains("grafanaDashboard:\n  enabled: true");
    Files.writeString(chart.resolve("values.yaml"), values);
    LintResult result = Charts.lintStrict(chart);
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }
}

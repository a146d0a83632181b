package io.caprovisioner.helm;

import static io.caprovisioner.helm.Charts.req;
import static io.caprovisioner.helm.Charts.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.caprovisioner.helm.Charts.Manifests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart that deploys the service itself, helm/ca-provisioner. */
class CaProvisionerChartTest {
  static final String NS = "ca-system";
  static final Set<String> SECRET_VARS = Set.of("DATABASE_URL", "ADMIN_API_TOKEN", "SECRET_KEY",
      "STRIPE_WEBHOOK_SECRET", "STRIPE_SECRET_KEY", "DB_PASSWORD", "GIT_TOKEN", "GIT_WEBHOOK_TOKEN");

  static Manifests render(Map<String, Object> values) {
    return Charts.render(Charts.PROVISIONER_CHART, "ca-provisioner", NS, values);
  }

  @Test
  void passesHelmLintStrict() {
    LintResult result = Charts.lintStrict(Charts.PROVISIONER_CHART);
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void deploymentRunsTheServiceAsDescribed() {
    Manifests m = render(Map.of());
    assertThat(m.kinds()).containsExactlyInAnyOrder("ClusterRole", "ClusterRoleBinding", "Deployment",
        "NetworkPolicy", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "ServiceAccount");
    Map<String, Object> deploy = m.one("Deployment");
    assertThat(Charts.<Integer>req(deploy, "spec", "replicas")).isEqualTo(2);
    Map<String, Object> pod = req(deploy, "spec", "template", "spec");
    Map<String, Object> c = req(pod, "containers", 0);
    assertThat(Charts.<String>req(c, "image")).isEqualTo("ghcr.io/caprovisioner/ca-provisioner:0.1.0");
    assertThat(Charts.<List<String>>req(c, "args")).containsExactly("serve");
    assertThat(Charts.<Integer>req(c, "ports", 0, "containerPort")).isEqualTo(8000);
    assertThat(Charts.<String>req(c, "livenessProbe", "httpGet", "path")).isEqualTo("/livez");
    assertThat(Charts.<String>req(c, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
    assertThat(Charts.<Object>req(c, "readinessProbe", "httpGet", "port")).isIn(8000, "http");
    assertThat(Charts.<Map<String, Object>>req(c, "resources")).containsKeys("requests", "limits");

    assertThat(Charts.<Integer>req(pod, "securityContext", "runAsUser")).isEqualTo(10001);
    assertThat(Charts.<Boolean>req(pod, "securityContext", "runAsNonRoot")).isTrue();
    assertThat(Charts.<Boolean>req(c, "securityContext", "readOnlyRootFilesystem")).isTrue();
    assertThat(Charts.<String>req(pod, "serviceAccountName")).isEqualTo(req(m.one("ServiceAccount"), "metadata", "name"));

    Map<String, Object> env = env(c);
    assertThat(env).containsEntry("KUBERNETES_IN_CLUSTER", "true").containsEntry("PORT", "8000")
        .containsEntry("PROVISIONER_HOME", "/var/lib/ca-provisioner").containsEntry("GITOPS_FLAVOR", "argocd");
    assertThat(Charts.<List<Object>>req(c, "envFrom"))
        .containsExactly(Map.of("secretRef", Map.of("name", "ca-provisioner")));
    // PROVISIONER_HOME is writable: a volume is mounted there
    String home = mountedVolume(c, "/var/lib/ca-provisioner");
    assertThat(volume(pod, home)).containsKey("emptyDir");

    Map<String, Object> service = m.one("Service");
    assertThat(Charts.<Map<String, Object>>req(deploy, "spec", "template", "metadata", "labels"))
        .containsAllEntriesOf(req(service, "spec", "selector"))
        .containsAllEntriesOf(req(m.one("PodDisruptionBudget"), "spec", "selector", "matchLabels"));
  }

  @Test
  void valuesBecomeEnvironmentAndFilesButEmptyOnesAreLeftToTheSecret() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("config", Map.of("baseDomain", "ca.example.org", "caDockerImage", "ghcr.io/caprovisioner/providence:2.0.10",
        "gitopsRepoUrl", "https://git.example.org/ops/tenants.git", "gitopsFlavor", "flux", "dbHost", "mysql.db",
        "gitopsBranch", "main", "argocdNamespace", "argocd", "dbPort", 3306, "tenantRetentionDays", 14, "jobWorkers", 8));
    values.put("gitSshKey", Map.of("secretName", "gitops-deploy-key", "key", "ssh-privatekey"));
    values.put("plans", List.of(Map.of("name", "starter", "price", Map.of("amount", 4900, "currency", "EUR"),
        "resources", Map.of("cpuRequest", "250m", "memoryRequest", "512Mi", "cpuLimit", "1", "memoryLimit", "1Gi"),
        "storage", "10Gi", "caProfile", "default", "stripePriceIds", List.of("price_123"))));
    values.put("replicaCount", 1);
    values.put("persistence", Map.of("enabled", true, "size", "5Gi"));
    Manifests m = render(values);
    Map<String, Object> pod = req(m.one("Deployment"), "spec", "template", "spec");
    Map<String, Object> c = req(pod, "containers", 0);
    Map<String, Object> env = env(c);
    assertThat(env).containsEntry("BASE_DOMAIN", "ca.example.org").containsEntry("DB_HOST", "mysql.db")
        .containsEntry("GITOPS_REPO_URL", "https://git.example.org/ops/tenants.git")
        .containsEntry("TENANT_RETENTION_DAYS", "14").containsEntry("JOB_WORKERS", "8")
        .doesNotContainKeys("DB_USER", "GIT_USERNAME", "STRIPE_LIVEMODE", "HELM_CHART_PATH");

    // the plans file is mounted where PLANS_FILE points, with the service's format
    String plansFile = (String) env.get("PLANS_FILE");
    String plansDir = plansFile.substring(0, plansFile.lastIndexOf('/'));
    Map<String, Object> cm = m.one("ConfigMap");
    assertThat(Charts.<String>req(volume(pod, mountedVolume(c, plansDir)), "configMap", "name"))
        .isEqualTo(req(cm, "metadata", "name"));
    Object plans = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
        .loadFromString(req(cm, "data", plansFile.substring(plansFile.lastIndexOf('/') + 1)));
    assertThat(Charts.<String>req(plans, "plans", 0, "resources", "memoryLimit")).isEqualTo("1Gi");

    // the deploy key is mounted where GIT_SSH_KEY_FILE points
    String keyFile = (String) env.get("GIT_SSH_KEY_FILE");
    Map<String, Object> key = volume(pod, mountedVolume(c, keyFile.substring(0, keyFile.lastIndexOf('/'))));
    assertThat(Charts.<String>req(key, "secret", "secretName")).isEqualTo("gitops-deploy-key");
    assertThat(Charts.<String>req(key, "secret", "items", 0, "path")).isEqualTo(keyFile.substring(keyFile.lastIndexOf('/') + 1));

    assertThat(Charts.<String>req(volume(pod, mountedVolume(c, "/var/lib/ca-provisioner")), "persistentVolumeClaim",
        "claimName")).isEqualTo(req(m.one("PersistentVolumeClaim"), "metadata", "name"));
  }

  @Test
  void rbacGrantsOnlyWhatTheJobRunnerNeeds() {
    Manifests argo = render(Map.of());
    assertThat(rules(argo.one("ClusterRole"))).isEqualTo(Map.of(
        "/namespaces", Set.of("get", "list", "watch", "create", "patch", "update", "delete"),
        "/secrets", Set.of("get", "create", "patch", "update", "delete"),
        "batch/jobs", Set.of("get", "list", "watch", "create", "patch", "delete"),
        "/pods", Set.of("get", "list", "watch"),
        "/pods/log", Set.of("get"),
        "/resourcequotas", Set.of("get", "create", "patch", "update"),
        "/limitranges", Set.of("get", "create", "patch", "update")));
    Map<String, Object> role = argo.one("Role");
    assertThat(Charts.<String>req(role, "metadata", "namespace")).isEqualTo("argocd");
    assertThat(rules(role)).isEqualTo(Map.of("argoproj.io/applications", Set.of("get", "list", "watch")));
    for (String binding : List.of("ClusterRoleBinding", "RoleBinding")) {
      assertThat(Charts.<List<Object>>req(argo.one(binding), "subjects")).containsExactly(Map.of(
          "kind", "ServiceAccount", "name", req(argo.one("ServiceAccount"), "metadata", "name"), "namespace", NS));
    }

    Manifests flux = render(Map.of("config", Map.of("gitopsFlavor", "flux", "gitopsBranch", "main",
        "argocdNamespace", "argocd", "dbPort", 3306, "tenantRetentionDays", 30, "jobWorkers", 4)));
    assertThat(flux.ofKind("Role")).isEmpty();
    assertThat(rules(flux.one("ClusterRole")))
        .containsEntry("helm.toolkit.fluxcd.io/helmreleases", Set.of("get", "list", "watch"))
        .doesNotContainKey("argoproj.io/applications");

    for (Manifests m : List.of(argo, flux)) {
      for (Map<String, Object> r : Stream.concat(m.ofKind("ClusterRole").stream(), m.ofKind("Role").stream()).toList()) {
        for (Map<String, Object> rule : Charts.<List<Map<String, Object>>>req(r, "rules")) {
          assertThat(rule.values().stream().flatMap(v -> ((List<?>) v).stream()).map(String::valueOf))
              .as("no wildcard in %s", rule).noneMatch(v -> v.contains("*"));
        }
      }
    }
  }

  @Test
  void serviceMonitorIsOptionalAndOffByDefault() {
    assertThat(render(Map.of()).ofKind("ServiceMonitor")).isEmpty();
    Map<String, Object> sm = render(Map.of("serviceMonitor", Map.of("enabled", true))).one("ServiceMonitor");
    assertThat(Charts.<String>req(sm, "spec", "endpoints", 0, "port")).isEqualTo("metrics");
  }

  @Test
  void theNetworkPolicyLetsOnlyTheListedPeersReachThePort() {
    Manifests m = render(Map.of());
    Map<String, Object> policy = m.one("NetworkPolicy");
    assertThat(Charts.<Map<String, Object>>req(m.one("Deployment"), "spec", "template", "metadata", "labels"))
        .containsAllEntriesOf(req(policy, "spec", "podSelector", "matchLabels"));
    assertThat(Charts.<List<String>>req(policy, "spec", "policyTypes")).containsExactly("Ingress", "Egress");
    List<Map<String, Object>> ingress = req(policy, "spec", "ingress");
    assertThat(ingress).hasSize(2); // the HTTP port from its peers, the metrics port from Prometheus'
    assertThat(Charts.<List<Object>>req(ingress.get(0), "from")).containsExactly(Map.of("namespaceSelector",
        Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ingress-nginx"))));
    assertThat(Charts.<List<Object>>req(ingress.get(0), "ports")).containsExactly(Map.of("port", "http",
        "protocol", "TCP"));
    assertThat(Charts.<List<Object>>req(policy, "spec", "egress")).hasSize(2);

    // no peer listed is no way in, not (as an empty `from` would be) every way in
    Map<String, Object> closed = render(Map.of("networkPolicy", Map.of("enabled", true, "from", List.of()),
        "metrics", Map.of("port", 9464, "from", List.of()))).one("NetworkPolicy");
    assertThat(Charts.<List<Object>>req(closed, "spec", "ingress")).isEmpty();
    assertThat(render(Map.of("networkPolicy", Map.of("enabled", false))).ofKind("NetworkPolicy")).isEmpty();
  }

  @Test
  void theIngressAndTheHttpRouteAreOptionalAndExposeOnlyThePublicPaths() {
    assertThat(render(Map.of()).ofKind("Ingress")).isEmpty();
    assertThat(render(Map.of()).ofKind("HTTPRoute")).isEmpty();
    Map<String, Object> values = Map.of(
        "ingress", Map.of("enabled", true, "className", "nginx", "host", "ca.example.org", "tlsSecretName", "ca-tls"),
        "httpRoute", Map.of("enabled", true, "parentRefs", List.of(Map.of("name", "public", "namespace", "gw")),
            "hostnames", List.of("ca.example.org")));
    Manifests m = render(values);
    String service = req(m.one("Service"), "metadata", "name");

    List<Map<String, Object>> paths = req(m.one("Ingress"), "spec", "rules", 0, "http", "paths");
    assertThat(paths).extracting(p -> p.get("path")).containsExactly("/webhooks");
    assertThat(paths).allSatisfy(p -> {
      assertThat(p.get("pathType")).isEqualTo("Prefix");
      assertThat(Charts.<String>req(p, "backend", "service", "name")).isEqualTo(service);
    });
    assertThat(Charts.<String>req(m.one("Ingress"), "spec", "rules", 0, "host")).isEqualTo("ca.example.org");

    Map<String, Object> route = m.one("HTTPRoute");
    assertThat(Charts.<String>req(route, "apiVersion")).isEqualTo("gateway.networking.k8s.io/v1");
    List<Map<String, Object>> rules = req(route, "spec", "rules");
    assertThat(rules).hasSize(1);
    assertThat(Charts.<List<Object>>req(rules.get(0), "matches")).containsExactly(
        Map.of("path", Map.of("type", "PathPrefix", "value", "/webhooks")));
    assertThat(Charts.<List<Object>>req(rules.get(0), "backendRefs")).containsExactly(
        Map.of("name", service, "port", 8000));

    // the customer pages join by value, not by a chart change
    List<String> pages = List.of("/webhooks", "/signup", "/welcome", "/credentials", "/billing");
    Manifests later = render(with(values, "publicPaths", pages));
    assertThat(Charts.<List<Map<String, Object>>>req(later.one("Ingress"), "spec", "rules", 0, "http", "paths"))
        .extracting(p -> p.get("path")).containsExactlyElementsOf(pages);
    assertThat(Charts.<List<Map<String, Object>>>req(later.one("HTTPRoute"), "spec", "rules", 0, "matches"))
        .extracting(p -> Charts.<String>at(p, "path", "value")).containsExactlyElementsOf(pages);

    assertThatThrownBy(() -> render(Map.of("httpRoute", Map.of("enabled", true))))
        .hasMessageContaining("parentRefs");
  }

  @ParameterizedTest(name = "public path {0} is refused")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"/", "/admin", "/admin/tenants", "/tenants", "webhooks"})
  void theAdminApiCannotBeMadePublic(String path) {
    assertThatThrownBy(() -> render(Map.of("publicPaths", List.of(path)))).hasMessageContaining("schema");
  }

  @Test
  void aPersistentHomeCannotBeSharedByReplicas() {
    assertThatThrownBy(() -> render(Map.of("persistence", Map.of("enabled", true, "size", "5Gi"))))
        .hasMessageContaining("replicaCount");
  }

  static Stream<Arguments> nonsense() {
    return Stream.of(
        Arguments.of("a secret as a value", "config.adminApiToken", "0123456789abcdef0123456789abcdef"),
        Arguments.of("a secret as an extra variable", "extraEnv", List.of(Map.of("name", "DB_PASSWORD", "value", "x"))),
        Arguments.of("credentials in the repository URL", "config.gitopsRepoUrl", "https://bot:ghp_abc@git.example.org/t.git"),
        Arguments.of("unknown flavour", "config.gitopsFlavor", "fleet"),
        Arguments.of("replicas as a string", "replicaCount", "two"),
        Arguments.of("typo at the top level", "replicas", 2),
        Arguments.of("livemode not a boolean word", "config.stripeLivemode", "maybe"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonsense")
  void theSchemaRejectsNonsense(String why, String path, Object value) {
    assertThatThrownBy(() -> render(with(Map.of(), path, value))).as(why).hasMessageContaining("schema");
  }

  @Test
  void noSecretObjectAndNoLiteralSecretInAnyRenderedOutput() {
    for (Manifests m : List.of(render(Map.of()), render(Map.of("serviceMonitor", Map.of("enabled", true))))) {
      assertThat(m.ofKind("Secret")).isEmpty();
      for (Map<String, Object> doc : m.docs()) {
        assertThat(SecretScan.literalSecrets(doc)).as("%s", doc.get("kind")).isEmpty();
      }
      Map<String, Object> env = env(req(m.one("Deployment"), "spec", "template", "spec", "containers", 0));
      assertThat(env.keySet()).doesNotContainAnyElementsOf(SECRET_VARS);
    }
    assertThat(SecretScan.literalSecrets(Charts.loadYaml(Charts.PROVISIONER_CHART.resolve("values.yaml")))).isEmpty();
  }

  // --- helpers -------------------------------------------------------------------------------

  /** name -> value (or the valueFrom object). */
  static Map<String, Object> env(Map<String, Object> container) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map<String, Object> e : Charts.<List<Map<String, Object>>>req(container, "env")) {
      Object v = e.containsKey("value") ? e.get("value") : e.get("valueFrom");
      assertThat(out.put((String) e.get("name"), v)).as("duplicate " + e.get("name")).isNull();
    }
    return out;
  }

  static String mountedVolume(Map<String, Object> container, String mountPath) {
    return Charts.<List<Map<String, Object>>>req(container, "volumeMounts").stream()
        .filter(v -> mountPath.equals(v.get("mountPath"))).map(v -> (String) v.get("name")).findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + mountPath));
  }

  static Map<String, Object> volume(Map<String, Object> podSpec, String name) {
    return Charts.<List<Map<String, Object>>>req(podSpec, "volumes").stream().filter(v -> name.equals(v.get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no volume " + name));
  }

  /** "group/resource" -> verbs, each rule expanded. */
  static Map<String, Set<String>> rules(Map<String, Object> role) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Map<String, Object> rule : Charts.<List<Map<String, Object>>>req(role, "rules")) {
      for (Object group : Charts.<List<Object>>req(rule, "apiGroups")) {
        for (Object resource : Charts.<List<Object>>req(rule, "resources")) {
          Set<String> verbs = Charts.<List<Object>>req(rule, "verbs").stream().map(String::valueOf)
              .collect(Collectors.toSet());
          assertThat(out.put(group + "/" + resource, verbs)).as("rule repeated for " + resource).isNull();
        }
      }
    }
    return out;
  }
}

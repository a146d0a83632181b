package io.caprovisioner.helm;

import static io.caprovisioner.helm.Charts.at;
import static io.caprovisioner.helm.Charts.req;
import static io.caprovisioner.helm.Charts.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.caprovisioner.helm.Charts.Manifests;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The tenant chart helm/collectiveaccess, fed the values the GitOps renderer writes for each plan. */
class CollectiveAccessChartTest {
  /** The keys the renderer writes; the contract. */
  static final Set<String> CONTRACT_KEYS = Set.of("image", "tenant", "domain", "plan", "resources", "storage",
      "suspended", "ingress", "secrets");

  static Map<String, Object> planValues(String plan) {
    return Charts.testValues("values-" + plan + ".yaml");
  }

  static String release(Map<String, Object> values) {
    return "tenant-" + req(values, "tenant", "id");
  }

  static Manifests render(Map<String, Object> values) {
    return Charts.renderTenant(release(values), values);
  }

  @Test
  void passesHelmLintStrict() {
    LintResult result = Charts.lintStrict(Charts.TENANT_CHART);
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void planValuesFilesAreExactlyTheContract() {
    for (String plan : PlanCatalog.defaults().names()) {
      Map<String, Object> values = planValues(plan);
      assertThat(values.keySet()).as(plan).isEqualTo(CONTRACT_KEYS);
      assertThat(Charts.tenantSchemaErrors(values)).as(plan).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"image", "tenant", "domain", "plan", "resources", "storage", "suspended", "ingress",
      "secrets", "tenant.appName", "storage.size", "ingress.certIssuer", "secrets.database", "resources.limits"})
  void aValuesObjectMissingAContractKeyIsIncomplete(String key) {
    assertThat(Charts.tenantSchemaErrors(with(planValues("pro"), key, null)))
        .anySatisfy(m -> assertThat(m).contains(key.substring(key.lastIndexOf('.') + 1)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"starter", "pro", "museum"})
  void rendersACompleteSiteForEachPlan(String planName) {
    Map<String, Object> values = planValues(planName);
    Plan plan = PlanCatalog.defaults().byName(planName).orElseThrow();
    String release = release(values);
    String domain = req(values, "domain");
    Manifests m = render(values);

    assertThat(m.kinds()).containsExactlyInAnyOrder("ConfigMap", "CronJob", "Deployment", "Ingress",
        "NetworkPolicy", "PersistentVolumeClaim", "Service");
    for (Map<String, Object> doc : m.docs()) {
      assertThat(Charts.<String>at(doc, "metadata", "namespace")).as("Argo CD sets the namespace").isNull();
      assertThat(Charts.<Map<String, Object>>req(doc, "metadata", "labels"))
          .containsEntry("caprovisioner.io/tenant", req(values, "tenant", "id"))
          .containsEntry("caprovisioner.io/plan", planName);
    }

    // Deployment: one pod, the configured image, the plan's resources
    Map<String, Object> deploy = m.one("Deployment");
    assertThat(Charts.<String>req(deploy, "metadata", "name")).isEqualTo(release);
    assertThat(Charts.<Integer>req(deploy, "spec", "replicas")).isEqualTo(1);
    Map<String, Object> pod = req(deploy, "spec", "template");
    Map<String, Object> web = req(pod, "spec", "containers", 0);
    assertThat(Charts.<String>req(web, "image")).isEqualTo("ghcr.io/caprovisioner/providence:2.0.10");
    assertThat(Charts.<Object>req(web, "resources")).isEqualTo(Map.of(
        "requests", Map.of("cpu", plan.resources().cpuRequest(), "memory", plan.resources().memoryRequest()),
        "limits", Map.of("cpu", plan.resources().cpuLimit(), "memory", plan.resources().memoryLimit())));
    assertSecureAndWired(pod, values);

    // probes on the health page, on the port the Service sends traffic to
    int port = req(web, "ports", 0, "containerPort");
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      assertThat(Charts.<String>req(web, probe, "httpGet", "path")).as(probe).isEqualTo("/hc/index.php");
      assertThat(Charts.<Object>req(web, probe, "httpGet", "port")).as(probe)
          .isIn(port, req(web, "ports", 0, "name"));
    }
    Map<String, Object> service = m.one("Service");
    assertThat(Charts.<Map<String, Object>>req(pod, "metadata", "labels"))
        .containsAllEntriesOf(req(service, "spec", "selector"));
    assertThat(Charts.<Object>req(service, "spec", "ports", 0, "targetPort"))
        .isIn(port, req(web, "ports", 0, "name"));

    // Ingress: the tenant's domain, TLS, the cert-manager issuer, to the Service
    Map<String, Object> ingress = m.one("Ingress");
    assertThat(Charts.<List<Object>>req(ingress, "spec", "rules")).hasSize(1);
    assertThat(Charts.<String>req(ingress, "spec", "rules", 0, "host")).isEqualTo(domain);
    assertThat(Charts.<List<String>>req(ingress, "spec", "tls", 0, "hosts")).containsExactly(domain);
    assertThat(Charts.<String>req(ingress, "spec", "tls", 0, "secretName")).isNotBlank();
    assertThat(Charts.<Map<String, Object>>req(ingress, "metadata", "annotations"))
        .containsEntry("cert-manager.io/cluster-issuer", "letsencrypt-prod");
    Map<String, Object> backend = req(ingress, "spec", "rules", 0, "http", "paths", 0, "backend", "service");
    assertThat(backend.get("name")).isEqualTo(req(service, "metadata", "name"));
    assertThat(Charts.<String>req(backend, "port", "name")).isEqualTo(req(service, "spec", "ports", 0, "name"));

    // the media volume: the plan's size, kept when the Application or the release is deleted
    Map<String, Object> pvc = m.one("PersistentVolumeClaim");
    assertThat(Charts.<String>req(pvc, "spec", "resources", "requests", "storage")).isEqualTo(plan.storage());
    assertThat(Charts.<Map<String, Object>>req(pvc, "metadata", "annotations"))
        .containsEntry("argocd.argoproj.io/sync-options", "Delete=false")
        .containsEntry("helm.sh/resource-policy", "keep");
    assertThat(claims(pod)).containsExactly(Charts.<String>req(pvc, "metadata", "name"));

    // the task queue runs on a schedule, with the same settings and volume as the site
    Map<String, Object> cron = m.one("CronJob");
    assertThat(Charts.<Boolean>req(cron, "spec", "suspend")).isFalse();
    assertThat(Charts.<String>req(cron, "spec", "schedule")).isNotBlank();
    assertThat(Charts.<String>req(cron, "spec", "concurrencyPolicy")).isEqualTo("Forbid");
    Map<String, Object> cronPod = req(cron, "spec", "jobTemplate", "spec", "template");
    Map<String, Object> worker = req(cronPod, "spec", "containers", 0);
    assertThat(Charts.<List<String>>req(worker, "command")).contains("process-task-queue")
        .anyMatch(a -> a.endsWith("caUtils"));
    assertThat(Charts.<Object>req(worker, "resources")).isEqualTo(req(web, "resources"));
    assertThat(claims(cronPod)).isEqualTo(claims(pod));
    assertSecureAndWired(cronPod, values);
  }

  /** What both the web pod and the task-queue pod need: non-root, the Secrets, setup.php, the volume. */
  private static void assertSecureAndWired(Map<String, Object> pod, Map<String, Object> values) {
    Map<String, Object> spec = req(pod, "spec");
    assertThat(Charts.<Boolean>req(spec, "securityContext", "runAsNonRoot")).isTrue();
    assertThat(Charts.<Integer>req(spec, "securityContext", "runAsUser")).isPositive();
    assertThat(Charts.<Boolean>req(spec, "automountServiceAccountToken")).isFalse();
    for (Map<String, Object> c : containers(spec)) {
      assertThat(Charts.<Boolean>req(c, "securityContext", "allowPrivilegeEscalation")).as(String.valueOf(c.get("name"))).isFalse();
      assertThat(Charts.<List<String>>req(c, "securityContext", "capabilities", "drop")).contains("ALL");
    }
    Map<String, Object> main = req(spec, "containers", 0);
    Map<String, Map<String, Object>> env = env(main);
    String db = req(values, "secrets", "database");
    assertThat(env.get("CA_DB_HOST")).isEqualTo(secretRef(db, "host"));
    assertThat(env.get("CA_DB_PORT")).isEqualTo(secretRef(db, "port"));
    assertThat(env.get("CA_DB_DATABASE")).isEqualTo(secretRef(db, "database"));
    assertThat(env.get("CA_DB_USER")).isEqualTo(secretRef(db, "user"));
    assertThat(env.get("CA_DB_PASSWORD")).isEqualTo(secretRef(db, "password"));
    assertThat(env.get("CA_ADMIN_EMAIL")).isEqualTo(secretRef(req(values, "secrets", "admin"), "email"));
    assertThat(env.get("CA_APP_NAME")).containsEntry("value", req(values, "tenant", "appName"));
    assertThat(env.get("CA_APP_DISPLAY_NAME")).containsEntry("value", req(values, "tenant", "displayName"));
    assertThat(env.get("CA_SITE_HOSTNAME")).containsEntry("value", req(values, "domain"));
    assertThat(env.get("CA_SITE_PROTOCOL")).containsEntry("value", "https");

    // setup.php is mounted where Providence looks for it and reads only variables the pod has
    Map<String, Object> setupMount = Charts.<List<Map<String, Object>>>req(main, "volumeMounts").stream()
        .filter(v -> "setup.php".equals(v.get("subPath"))).findFirst().orElseThrow();
    assertThat(setupMount.get("mountPath")).isEqualTo("/var/www/html/setup.php");
    assertThat(env.keySet()).containsAll(envReadBySetupPhp(values));
    // media lives under media/<app name> on the persistent volume
    assertThat(Charts.<List<Map<String, Object>>>req(main, "volumeMounts"))
        .anySatisfy(v -> assertThat(v).containsEntry("mountPath", "/var/www/html/media/" + at(values, "tenant", "appName"))
            .containsEntry("name", "data"))
        .anySatisfy(v -> assertThat(v).containsEntry("mountPath", "/var/www/html/app/tmp").containsEntry("name", "data"));
  }

  @Test
  void setupPhpDefinesTheSettingsFromTheEnvironmentThenIncludesTheStockFile() {
    String php = setupPhp(render(planValues("pro")));
    Map<String, String> defines = new LinkedHashMap<>();
    Matcher d = Pattern.compile("if \\(!defined\\('(__CA_[A-Z_]+__)'\\)\\) \\{ define\\('\\1', (.+?)\\); }")
        .matcher(php);
    while (d.find()) {
      defines.put(d.group(1), d.group(2));
    }
    assertThat(defines.keySet()).contains("__CA_DB_HOST__", "__CA_DB_PORT__", "__CA_DB_USER__",
        "__CA_DB_PASSWORD__", "__CA_DB_DATABASE__", "__CA_APP_NAME__", "__CA_APP_DISPLAY_NAME__",
        "__CA_ADMIN_EMAIL__", "__CA_SITE_HOSTNAME__", "__CA_SITE_PROTOCOL__");
    assertThat(defines.values()).allMatch(v -> v.matches("(\\(int\\) )?caProvisionerEnv\\('CA_[A-Z_]+'\\)"));
    assertThat(php.strip()).endsWith("require('/var/www/html/setup.php-dist');");
  }

  @Test
  void suspendedScalesToZeroSuspendsTheTaskQueueAndKeepsTheVolume() {
    Manifests m = render(with(planValues("pro"), "suspended", true));
    assertThat(Charts.<Integer>req(m.one("Deployment"), "spec", "replicas")).isZero();
    assertThat(Charts.<Boolean>req(m.one("CronJob"), "spec", "suspend")).isTrue();
    assertThat(Charts.<String>req(m.one("PersistentVolumeClaim"), "spec", "resources", "requests", "storage"))
        .isEqualTo("100Gi");
    assertThat(m.one("Ingress")).isNotNull();
  }

  @Test
  void aNewImageFromTheRendererIsDeployedToSiteAndTaskQueue() {
    Manifests m = render(with(with(planValues("starter"), "image.repository", "registry.example.org:5000/ca/providence"),
        "image.tag", "2.1.0-rc1"));
    String image = "registry.example.org:5000/ca/providence:2.1.0-rc1";
    assertThat(Charts.<String>req(m.one("Deployment"), "spec", "template", "spec", "containers", 0, "image"))
        .isEqualTo(image);
    assertThat(Charts.<String>req(m.one("CronJob"), "spec", "jobTemplate", "spec", "template", "spec",
        "containers", 0, "image")).isEqualTo(image);
  }

  @Test
  void networkPolicyLetsInOnlyTheIngressControllerAndOutOnlyDnsAndMysql() {
    Manifests m = render(planValues("pro"));
    Map<String, Object> np = m.one("NetworkPolicy");
    assertThat(Charts.<List<String>>req(np, "spec", "policyTypes")).containsExactlyInAnyOrder("Ingress", "Egress");
    Map<String, Object> selector = req(np, "spec", "podSelector", "matchLabels");
    assertThat(Charts.<Map<String, Object>>req(m.one("Deployment"), "spec", "template", "metadata", "labels"))
        .containsAllEntriesOf(selector);
    assertThat(Charts.<Map<String, Object>>req(m.one("CronJob"), "spec", "jobTemplate", "spec", "template",
        "metadata", "labels")).containsAllEntriesOf(selector);

    List<Map<String, Object>> ingress = req(np, "spec", "ingress");
    assertThat(ingress).hasSize(1);
    assertThat(Charts.<List<Object>>req(ingress.get(0), "from")).containsExactly(
        Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ingress-nginx"))));

    List<Map<String, Object>> egress = req(np, "spec", "egress");
    Set<Object> ports = new LinkedHashSet<>();
    for (Map<String, Object> rule : egress) {
      for (Map<String, Object> p : Charts.<List<Map<String, Object>>>req(rule, "ports")) {
        ports.add(p.get("port"));
      }
    }
    assertThat(ports).containsExactlyInAnyOrder(53, 3306);

    Map<String, Object> narrowed = render(with(with(planValues("pro"), "networkPolicy.mysqlCidr", "10.20.0.5/32"),
        "networkPolicy.mysqlPort", 3307)).one("NetworkPolicy");
    assertThat(Charts.<List<Map<String, Object>>>req(narrowed, "spec", "egress"))
        .anySatisfy(r -> assertThat(r).containsEntry("to", List.of(Map.of("ipBlock", Map.of("cidr", "10.20.0.5/32"))))
            .containsEntry("ports", List.of(Map.of("port", 3307, "protocol", "TCP"))));
  }

  @Test
  void readWriteOnceKeepsTheTaskQueueOnTheSiteNodeAndReadWriteManyDoesNotNeedTo() {
    Manifests rwo = render(planValues("pro"));
    assertThat(Charts.<String>req(rwo.one("Deployment"), "spec", "strategy", "type")).isEqualTo("Recreate");
    assertThat(Charts.<Object>at(rwo.one("CronJob"), "spec", "jobTemplate", "spec", "template", "spec", "affinity",
        "podAffinity")).isNotNull();

    Manifests rwx = render(with(with(planValues("pro"), "storage.accessMode", "ReadWriteMany"),
        "storage.storageClassName", "cephfs"));
    assertThat(Charts.<String>req(rwx.one("Deployment"), "spec", "strategy", "type")).isEqualTo("RollingUpdate");
    assertThat(Charts.<Object>at(rwx.one("CronJob"), "spec", "jobTemplate", "spec", "template", "spec", "affinity"))
        .isNull();
    assertThat(Charts.<List<String>>req(rwx.one("PersistentVolumeClaim"), "spec", "accessModes"))
        .containsExactly("ReadWriteMany");
    assertThat(Charts.<String>req(rwx.one("PersistentVolumeClaim"), "spec", "storageClassName")).isEqualTo("cephfs");
  }

  @Test
  void anHttpRouteCanReplaceTheIngress() {
    assertThat(render(planValues("pro")).ofKind("HTTPRoute")).isEmpty();
    Map<String, Object> values = with(with(with(planValues("pro"), "ingress.enabled", false), "httpRoute.enabled", true),
        "httpRoute.parentRefs", List.of(Map.of("name", "public", "namespace", "gateway-system")));
    Manifests m = render(values);

    assertThat(m.ofKind("Ingress")).isEmpty();
    Map<String, Object> route = m.one("HTTPRoute");
    assertThat(Charts.<List<Object>>req(route, "spec", "hostnames")).containsExactly(planValues("pro").get("domain"));
    assertThat(Charts.<List<Object>>req(route, "spec", "parentRefs"))
        .containsExactly(Map.of("name", "public", "namespace", "gateway-system"));
    Map<String, Object> service = m.one("Service");
    assertThat(Charts.<List<Object>>req(route, "spec", "rules", 0, "backendRefs")).containsExactly(Map.of(
        "name", req(service, "metadata", "name"), "port", req(service, "spec", "ports", 0, "port")));
    assertThatThrownBy(() -> render(with(planValues("pro"), "httpRoute.enabled", true)))
        .hasMessageContaining("parentRefs");
  }

  static Stream<Arguments> nonsense() {
    return Stream.of(
        Arguments.of("plan name that is no catalogue name", "plan.name", "Gold plan"),
        Arguments.of("suspended as a string", "suspended", "yes"),
        Arguments.of("storage size as a number", "storage.size", 100),
        Arguments.of("storage size without unit", "storage.size", "lots"),
        Arguments.of("cpu as garbage", "resources.limits.cpu", "two"),
        Arguments.of("memory as a number", "resources.requests.memory", 1024),
        Arguments.of("typo at the top level", "suspend", true),
        Arguments.of("typo in tenant", "tenant.appname", "ca_x"),
        Arguments.of("a password in values", "secrets.password", "hunter2"),
        Arguments.of("app name with a hyphen", "tenant.appName", "ca-ab12cd34"),
        Arguments.of("tenant id with upper case", "tenant.id", "AB12CD34"),
        Arguments.of("domain with a scheme", "domain", "https://tenant-ab12cd34.example.org"),
        Arguments.of("image tag with a space", "image.tag", "2.0 10"),
        Arguments.of("pull policy", "image.pullPolicy", "Sometimes"),
        Arguments.of("Secret name with upper case", "secrets.database", "CA-DB"),
        Arguments.of("cert issuer as an object", "ingress.certIssuer", Map.of("name", "x")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonsense")
  void theSchemaRejectsNonsenseInHelmAndForTheRenderer(String why, String path, Object value) {
    Map<String, Object> bad = with(planValues("pro"), path, value);
    assertThat(Charts.tenantSchemaErrors(bad)).as(why).isNotEmpty();
    assertThatThrownBy(() -> Charts.renderTenant("tenant-ab12cd34", bad)).as(why).hasMessageContaining("schema");
  }

  @Test
  void noSecretObjectAndNoLiteralSecretInAnyRenderedOutput() {
    List<Manifests> renders = new ArrayList<>();
    for (String plan : PlanCatalog.defaults().names()) {
      renders.add(render(planValues(plan)));
      renders.add(render(with(planValues(plan), "suspended", true)));
    }
    renders.add(Charts.render(Charts.TENANT_CHART, "tenant-example", "tenant-example", Map.of()));
    for (Manifests m : renders) {
      assertThat(m.ofKind("Secret")).isEmpty();
      for (Map<String, Object> doc : m.docs()) {
        assertThat(SecretScan.literalSecrets(doc)).as("%s", doc.get("kind")).isEmpty();
      }
      for (Map<String, Object> env : allEnv(m)) {
        String name = (String) env.get("name");
        if (name.matches("CA_DB_.*|.*(PASSWORD|TOKEN|SECRET|_KEY|EMAIL).*")) {
          assertThat(env).as(name).doesNotContainKey("value");
          assertThat(Charts.<Object>at(env, "valueFrom", "secretKeyRef")).as(name).isNotNull();
        }
      }
    }
  }

  @Test
  void chartDefaultsHoldNoSecret() {
    assertThat(SecretScan.literalSecrets(Charts.loadYaml(Charts.TENANT_CHART.resolve("values.yaml")))).isEmpty();
  }

  // --- helpers -------------------------------------------------------------------------------

  static Map<String, Object> secretRef(String secret, String key) {
    return Map.of("valueFrom", Map.of("secretKeyRef", Map.of("name", secret, "key", key)));
  }

  static List<Map<String, Object>> containers(Map<String, Object> podSpec) {
    List<Map<String, Object>> all = new ArrayList<>(Charts.<List<Map<String, Object>>>req(podSpec, "containers"));
    List<Map<String, Object>> init = at(podSpec, "initContainers");
    if (init != null) {
      all.addAll(init);
    }
    return all;
  }

  static Map<String, Map<String, Object>> env(Map<String, Object> container) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, Object> e : Charts.<List<Map<String, Object>>>req(container, "env")) {
      Map<String, Object> rest = new LinkedHashMap<>(e);
      String name = (String) rest.remove("name");
      assertThat(out.put(name, rest)).as("duplicate env " + name).isNull();
    }
    return out;
  }

  static List<Map<String, Object>> allEnv(Manifests m) {
    List<Map<String, Object>> out = new ArrayList<>();
    List<Map<String, Object>> pods = new ArrayList<>();
    m.ofKind("Deployment").forEach(d -> pods.add(req(d, "spec", "template", "spec")));
    m.ofKind("CronJob").forEach(c -> pods.add(req(c, "spec", "jobTemplate", "spec", "template", "spec")));
    for (Map<String, Object> pod : pods) {
      for (Map<String, Object> c : containers(pod)) {
        List<Map<String, Object>> env = at(c, "env");
        if (env != null) {
          out.addAll(env);
        }
      }
    }
    return out;
  }

  static List<String> claims(Map<String, Object> pod) {
    return Charts.<List<Map<String, Object>>>req(pod, "spec", "volumes").stream()
        .map(v -> Charts.<String>at(v, "persistentVolumeClaim", "claimName")).filter(c -> c != null).toList();
  }

  static String setupPhp(Manifests m) {
    return req(m.one("ConfigMap"), "data", "setup.php");
  }

  static Set<String> envReadBySetupPhp(Map<String, Object> values) {
    Set<String> names = new LinkedHashSet<>();
    Matcher e = Pattern.compile("caProvisionerEnv\\('([A-Z_]+)'\\)").matcher(setupPhp(render(values)));
    while (e.find()) {
      names.add(e.group(1));
    }
    assertThat(names).isNotEmpty();
    return names;
  }
}

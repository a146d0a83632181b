package io.caprovisioner.render;

import io.caprovisioner.tenant.TenantDesired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("unchecked")
class YamlTenantRendererTest {
  @TempDir
  Path home;

  Config config(Map<String, String> env) {
    return TestConfigs.config(home, env);
  }

  static Map<?, ?> yaml(String text) {
    return (Map<?, ?>) CrdSchemas.loadAll(text).get(0);
  }

  static Object at(Object node, String... path) {
    for (String key : path) {
      node = ((Map<?, ?>) node).get(key);
    }
    return node;
  }

  @Test
  void valuesObjectIsExactlyTheChartContract() {
    Config config = config(Map.of());
    RenderedTenant rendered = YamlTenantRenderer.fromConfig(config)
        .render(TestConfigs.stripeTenant(config, "ab12cd34", "pro"));

    Map<?, ?> app = yaml(rendered.files().get("application.yaml"));
    assertThat(at(app, "spec", "source", "helm", "valuesObject")).isEqualTo(yaml("""
        image: {repository: ghcr.io/caprovisioner/providence, tag: "2.0.10", pullPolicy: IfNotPresent}
        tenant: {id: ab12cd34, appName: ca_ab12cd34, displayName: tenant-ab12cd34}
        domain: tenant-ab12cd34.collectiveaccess.localhost
        plan: {name: pro}
        resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: "2", memory: 2Gi}}
        storage: {size: 100Gi}
        suspended: false
        ingress: {certIssuer: letsencrypt-prod}
        secrets: {database: ca-db, admin: ca-admin}
        """));
    assertThat(rendered.directory()).isEqualTo("tenants/" + TenantNamesShard.of("tenant-ab12cd34") + "/tenant-ab12cd34");
    assertThat(at(app, "metadata", "name")).isEqualTo("tenant-ab12cd34");
    assertThat(at(app, "metadata", "namespace")).isEqualTo("argocd");
    assertThat(at(app, "spec", "project")).isEqualTo("ca-tenants");
    assertThat(at(app, "spec", "destination", "namespace")).isEqualTo("tenant-ab12cd34");
    assertThat(at(app, "spec", "source", "helm", "releaseName")).isEqualTo("tenant-ab12cd34");
    assertThat(at(app, "spec", "syncPolicy", "automated")).isEqualTo(Map.of("prune", true, "selfHeal", true));
    assertThat((List<Object>) at(app, "spec", "syncPolicy", "syncOptions")).contains("CreateNamespace=true");
    assertThat((List<Object>) at(app, "metadata", "finalizers")).containsExactly("resources-finalizer.argocd.argoproj.io");
    assertThat((Map<Object, Object>) at(app, "metadata", "labels")).containsEntry("caprovisioner.io/tenant", "ab12cd34")
        .containsEntry("caprovisioner.io/plan", "pro").containsEntry("caprovisioner.io/source", "stripe");
    assertThat((Map<Object, Object>) at(app, "metadata", "annotations"))
        .containsEntry("link.argocd.argoproj.io/site", "https://tenant-ab12cd34.collectiveaccess.localhost")
        .containsEntry("link.argocd.argoproj.io/stripe-customer", "https://dashboard.stripe.com/customers/cus_AB12CD34")
        .containsEntry(RenderedTenant.SPEC_HASH_ANNOTATION, rendered.specHash());
  }

  static Map<Object, Object> annotations(Config config) {
    return (Map<Object, Object>) at(yaml(YamlTenantRenderer.fromConfig(config)
        .render(TestConfigs.stripeTenant(config, "ab12cd34", "pro")).files().get("application.yaml")),
        "metadata", "annotations");
  }

  @Test
  void theStripeCustomerLinkOpensTestModeCustomersInTheTestDashboard() {
    String live = "https://dashboard.stripe.com/customers/cus_AB12CD34";
    String test = "https://dashboard.stripe.com/test/customers/cus_AB12CD34";
    String link = "link.argocd.argoproj.io/stripe-customer";
    // key-shaped strings are built here so that no scanner mistakes this file for a leak
    String testKey = "sk_" + "test_" + "0123456789abcdef";
    String liveKey = "sk_" + "live_" + "0123456789abcdef";
    assertThat(annotations(config(Map.of()))).containsEntry(link, live);
    assertThat(annotations(config(Map.of("STRIPE_LIVEMODE", "false")))).containsEntry(link, test);
    assertThat(annotations(config(Map.of("STRIPE_SECRET_KEY", testKey)))).containsEntry(link, test);
    assertThat(annotations(config(Map.of("STRIPE_SECRET_KEY", "rk_" + "test_" + "0123456789")))).containsEntry(link, test);
    assertThat(annotations(config(Map.of("STRIPE_SECRET_KEY", liveKey)))).containsEntry(link, live);
    // STRIPE_LIVEMODE is what the offline tools see, so it decides when it is set
    assertThat(annotations(config(Map.of("STRIPE_LIVEMODE", "true", "STRIPE_SECRET_KEY", testKey))))
        .containsEntry(link, live);
  }

  @Test
  void theForgeLinkPointsAtTheTenantsFolderOnlyWhenGitopsWebUrlIsSet() {
    String folder = "tenants/" + TenantNamesShard.of("tenant-ab12cd34") + "/tenant-ab12cd34";
    assertThat(annotations(config(Map.of("GITOPS_WEB_URL", "https://github.com/example/ca-gitops/tree/main/"))))
        .containsEntry("link.argocd.argoproj.io/gitops-folder", "https://github.com/example/ca-gitops/tree/main/" + folder);
    assertThat(annotations(config(Map.of()))).doesNotContainKey("link.argocd.argoproj.io/gitops-folder");
    assertThatThrownBy(() -> config(Map.of("GITOPS_WEB_URL", "https://bot:ghp_x@github.com/example/ca-gitops")))
        .hasMessageContaining("GITOPS_WEB_URL");
  }

  @Test
  void aFailedSyncIsRetriedOnTheNewestCommit() {
    Config config = config(Map.of());
    Map<?, ?> app = yaml(YamlTenantRenderer.fromConfig(config).render(TestConfigs.stripeTenant(config, "ab12cd34", "pro"))
        .files().get("application.yaml"));
    assertThat(at(app, "spec", "syncPolicy", "retry", "refresh")).isEqualTo(true);
  }

  @Test
  void fluxTenantsShareTheOneChartSourceAppliedAtBootstrapAndCorrectDrift() throws Exception {
    Map<?, ?> source = yaml(Files.readString(Path.of("argocd/flux-chart-source.yaml")));
    for (Map<String, String> setup : List.of(Map.of("GITOPS_FLAVOR", "flux"), Map.of("GITOPS_FLAVOR", "flux",
        "HELM_CHART_REPO", "https://github.com/caprovisioner/ca-provisioner.git", "HELM_CHART_PATH",
        "helm/collectiveaccess", "HELM_CHART_VERSION", "v0.1.0"))) {
      Config config = config(setup);
      YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
      for (String id : List.of("ab12cd34", "cd34ef56")) {
        List<Object> docs = CrdSchemas.loadAll(renderer.render(TestConfigs.stripeTenant(config, id, "pro")).files()
            .get("helmrelease.yaml"));
        assertThat(docs).as("no per-tenant source").hasSize(1);
        Map<?, ?> release = (Map<?, ?>) docs.get(0);
        Map<?, ?> ref = (Map<?, ?>) at(release, "spec", "chart", "spec", "sourceRef");
        assertThat(ref.get("name")).isEqualTo(at(source, "metadata", "name"));
        assertThat(ref.get("namespace")).isEqualTo(at(source, "metadata", "namespace"));
        assertThat(ref.get("kind")).isEqualTo(config.chart().fromGit() ? "GitRepository" : source.get("kind"));
        assertThat(at(release, "spec", "driftDetection", "mode")).isEqualTo("enabled");
      }
    }
  }

  @Test
  void renderingIsByteIdenticalAcrossRenderersAndTheHashFollowsTheSpec() {
    Config config = config(Map.of());
    TenantDesired tenant = TestConfigs.stripeTenant(config, "ab12cd34", "pro");
    RenderedTenant first = YamlTenantRenderer.fromConfig(config).render(tenant);
    RenderedTenant second = YamlTenantRenderer.fromConfig(config).render(tenant);
    RenderedTenant suspended = YamlTenantRenderer.fromConfig(config).render(new TenantDesired(tenant.names(),
        tenant.plan(), TenantState.SUSPENDED, tenant.source(), Optional.empty(), tenant.stripeCustomerId(),
        Optional.empty()));

    assertThat(second.files()).isEqualTo(first.files());
    assertThat(second.specHash()).isEqualTo(first.specHash());
    assertThat(suspended.specHash()).isNotEqualTo(first.specHash());
    assertThat(at(yaml(suspended.files().get("application.yaml")), "spec", "source", "helm", "valuesObject",
        "suspended")).isEqualTo(true);
    // the hash covers the manifest as rendered, minus its own annotation line
    String withoutHash = first.files().get("application.yaml")
        .replace("    " + RenderedTenant.SPEC_HASH_ANNOTATION + ": " + first.specHash() + "\n", "");
    assertThat(YamlTenantRenderer.sha256(withoutHash)).isEqualTo(first.specHash());
  }

  @Test
  void manualTenantsShowNoStripeLinkAndTheirContactStaysInTenantYaml() {
    Config config = config(Map.of());
    RenderedTenant rendered = YamlTenantRenderer.fromConfig(config)
        .render(TestConfigs.manualTenant(config, "city-museum", "museum", "registrar@city-museum.org"));

    String application = rendered.files().get("application.yaml");
    assertThat(application).doesNotContain("registrar@").doesNotContain("stripe");
    assertThat((List<Object>) at(yaml(application), "spec", "info")).hasSize(3);
    assertThat(at(yaml(rendered.files().get("tenant.yaml")), "spec", "adminEmail"))
        .isEqualTo("registrar@city-museum.org");
  }

  @Test
  void aStripeTenantCarryingAnEmailIsRefusedRatherThanCommitted() {
    Config config = config(Map.of());
    TenantDesired stripe = TestConfigs.stripeTenant(config, "ab12cd34", "pro");
    TenantDesired withEmail = new TenantDesired(stripe.names(), stripe.plan(), stripe.state(), TenantSource.STRIPE,
        Optional.empty(), stripe.stripeCustomerId(), Optional.of("customer@example.org"));

    assertThatThrownBy(() -> YamlTenantRenderer.fromConfig(config).render(withEmail))
        .hasMessageContaining("only manual tenants");
  }

  @Test
  void valuesThatLookLikeYamlStayPlainScalars() {
    String evil = "x\nevil: true\n- {}: [a]";
    Config config = config(Map.of("CA_CERT_ISSUER", evil, "CA_DOCKER_IMAGE", "registry:5000/ca/providence:2.0"));
    TenantDesired stripe = TestConfigs.stripeTenant(config, "ab12cd34", "pro");
    TenantDesired tenant = new TenantDesired(stripe.names(), stripe.plan(), stripe.state(), stripe.source(),
        Optional.of("1.0: {}"), Optional.of("cus_1\nkind: Secret"), Optional.empty());

    RenderedTenant rendered = YamlTenantRenderer.fromConfig(config).render(tenant);

    Map<?, ?> app = yaml(rendered.files().get("application.yaml"));
    Map<Object, Object> values = (Map<Object, Object>) at(app, "spec", "source", "helm", "valuesObject");
    assertThat(at(values, "ingress")).isEqualTo(Map.of("certIssuer", evil));
    assertThat(at(values, "image", "repository")).isEqualTo("registry:5000/ca/providence");
    assertThat(at(app, "spec", "source", "targetRevision")).isEqualTo("1.0: {}");
    assertThat(at(app, "kind")).isEqualTo("Application");
    assertThat(values.keySet()).containsExactlyInAnyOrder("image", "tenant", "domain", "plan", "resources",
        "storage", "suspended", "ingress", "secrets");
    Map<?, ?> tenantYaml = yaml(rendered.files().get("tenant.yaml"));
    assertThat(at(tenantYaml, "spec", "stripeCustomer")).isEqualTo("cus_1\nkind: Secret");
    assertThat(at(tenantYaml, "kind")).isEqualTo("Tenant");
  }

  @Test
  void operatorTemplatesInGitopsTemplateDirTakeEffectAndAreCheckedAtStart() throws Exception {
    Path templates = Files.createDirectories(home.resolve("templates"));
    String bundled = TemplateSource.bundled().read("application.yaml");
    Files.writeString(templates.resolve("application.yaml"),
        bundled.replace("    caprovisioner.io/state: ${tenant.state}\n",
            "    caprovisioner.io/state: ${tenant.state}\n    example.org/team: collections-${plan.name}\n"));
    Config config = config(Map.of("GITOPS_TEMPLATE_DIR", templates.toString()));

    RenderedTenant rendered = YamlTenantRenderer.fromConfig(config)
        .render(TestConfigs.stripeTenant(config, "ab12cd34", "pro"));

    assertThat((Map<Object, Object>) at(yaml(rendered.files().get("application.yaml")), "metadata", "labels"))
        .containsEntry("example.org/team", "collections-pro");
    assertThat(rendered.files().get("tenant.yaml")).isEqualTo(YamlTenantRenderer.fromConfig(config(Map.of()))
        .render(TestConfigs.stripeTenant(config, "ab12cd34", "pro")).files().get("tenant.yaml"));

    Files.writeString(templates.resolve("application.yaml"), bundled.replace("${tenant.id}", "${tenant.adminEmail}"));
    assertThatThrownBy(() -> YamlTenantRenderer.fromConfig(config)).isInstanceOf(GitopsTemplateException.class)
        .hasMessageContaining("application.yaml line").hasMessageContaining("${tenant.adminEmail}");
  }

  @Test
  void fluxRendersAHelmReleaseInsteadOfAnApplication() {
    Config helm = config(Map.of("GITOPS_FLAVOR", "flux"));
    RenderedTenant fromHelm = YamlTenantRenderer.fromConfig(helm).render(TestConfigs.stripeTenant(helm, "ab12cd34", "pro"));
    Config git = config(Map.of("GITOPS_FLAVOR", "flux", "HELM_CHART_REPO", "https://git.example.org/charts.git",
        "HELM_CHART_PATH", "helm/collectiveaccess", "HELM_CHART_VERSION", "v1.2.0"));
    RenderedTenant fromGit = YamlTenantRenderer.fromConfig(git).render(TestConfigs.stripeTenant(git, "ab12cd34", "pro"));

    assertThat(fromHelm.files().keySet()).containsExactly("helmrelease.yaml", "tenant.yaml");
    List<Object> docs = CrdSchemas.loadAll(fromHelm.files().get("helmrelease.yaml"));
    assertThat(docs).extracting(d -> at(d, "kind")).containsExactly("HelmRelease");
    assertThat(at(docs.get(0), "spec", "chart", "spec", "version")).isEqualTo("0.1.0");
    assertThat(at(docs.get(0), "metadata", "annotations", RenderedTenant.SPEC_HASH_ANNOTATION))
        .isEqualTo(fromHelm.specHash());
    assertThat(at(docs.get(0), "spec", "values", "plan", "name")).isEqualTo("pro");

    List<Object> gitDocs = CrdSchemas.loadAll(fromGit.files().get("helmrelease.yaml"));
    assertThat(gitDocs).extracting(d -> at(d, "kind")).containsExactly("HelmRelease");
    assertThat(at(gitDocs.get(0), "spec", "chart", "spec", "chart")).isEqualTo("helm/collectiveaccess");
    // a Git source's revision is the shared GitRepository's ref; Flux would ignore a version here
    assertThat((Map<Object, Object>) at(gitDocs.get(0), "spec", "chart", "spec")).doesNotContainKey("version");
  }

  /** The shard rule, restated independently of TenantNames. */
  static final class TenantNamesShard {
    static String of(String namespace) throws RuntimeException {
      try {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256")
            .digest(namespace.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return String.format("%02x", d[0]);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}

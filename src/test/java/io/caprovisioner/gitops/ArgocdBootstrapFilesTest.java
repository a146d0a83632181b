package io.caprovisioner.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.helm.Charts;
import io.caprovisioner.k8s.model.InstallJob;
import io.caprovisioner.k8s.model.TenantSecrets;
import io.caprovisioner.render.CrdSchemas;
import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What operators apply once: valid against Argo CD's CRDs, and never syncing tenant.yaml. */
class ArgocdBootstrapFilesTest {
  @Test
  void everyFileInArgocdValidatesAgainstTheCrds() throws Exception {
    CrdSchemas crds = new CrdSchemas();
    List<String> problems = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("argocd"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : CrdSchemas.loadAll(Files.readString(file))) {
          kinds.add(String.valueOf(((Map<?, ?>) doc).get("kind")));
          crds.validate(doc).forEach(p -> problems.add(file + ": " + p));
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(kinds).contains("AppProject", "Application", "ApplicationSet");
  }

  @Test
  void rootAppsIncludeOnlyApplicationYaml() throws Exception {
    for (String file : List.of("argocd/root-app.yaml", "argocd/applicationset.yaml")) {
      String text = Files.readString(Path.of(file));
      assertThat(text).as(file).contains("include: '{application.yaml,*/application.yaml}'")
          .contains("recurse: true");
    }
  }

  /** What a healthy tenant namespace holds that no Application owns, named as the code names it. */
  @Test
  void orphanedResourcesIgnoreExactlyWhatTheServiceAndCertManagerCreate() throws Exception {
    TenantNames names = TenantNames.of("ab12cd34", "museums.example.org");
    Map<String, Object> tls = Charts.<List<Map<String, Object>>>req(
        Charts.renderTenant(names.helmRelease(), Charts.testValues("values-pro.yaml")).one("Ingress"), "spec", "tls")
        .get(0);
    Secret certManagerTls = new SecretBuilder().withNewMetadata().withName((String) tls.get("secretName"))
        .endMetadata().build();
    List<HasMetadata> unowned = List.of(
        TenantSecrets.database(names, "mysql.db", 3306, "pw"),
        TenantSecrets.admin(names, "pw", "admin@example.org"),
        InstallJob.of(names, "ghcr.io/caprovisioner/providence:2.0.10", "default", "/var/www/html"),
        InstallJob.of(names, "ghcr.io/caprovisioner/providence:2.1.0", "default", "/var/www/html"),
        certManagerTls);
    List<Map<String, Object>> ignore = Charts.req(tenantProject(), "spec", "orphanedResources", "ignore");

    for (HasMetadata object : unowned) {
      assertThat(ignore).as("%s %s is ignored", object.getKind(), object.getMetadata().getName())
          .anySatisfy(rule -> assertThat(matches(rule, object)).isTrue());
    }
    // nothing more: each rule is needed, and an unknown object in the namespace still warns
    for (Map<String, Object> rule : ignore) {
      assertThat(unowned).as("rule %s", rule).anySatisfy(o -> assertThat(matches(rule, o)).isTrue());
    }
    Secret stray = new SecretBuilder().withNewMetadata().withName("copied-by-hand").endMetadata().build();
    Secret strayJobName = new SecretBuilder().withNewMetadata().withName("ca-install-abc").endMetadata().build();
    assertThat(ignore).noneSatisfy(rule -> assertThat(matches(rule, stray)).isTrue())
        .noneSatisfy(rule -> assertThat(matches(rule, strayJobName)).isTrue());
    assertThat(Charts.<Boolean>req(tenantProject(), "spec", "orphanedResources", "warn")).isTrue();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> tenantProject() throws Exception {
    return CrdSchemas.loadAll(Files.readString(Path.of("argocd/appproject.yaml"))).stream()
        .map(d -> (Map<String, Object>) d).filter(d -> "ca-tenants".equals(Charts.at(d, "metadata", "name")))
        .findFirst().orElseThrow();
  }

  /** Argo CD's rule: group and kind equal, name a glob where {@code *} is any text. */
  static boolean matches(Map<String, Object> rule, HasMetadata object) {
    String apiVersion = object.getApiVersion();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String glob = String.valueOf(rule.getOrDefault("name", "*"));
    String regex = Stream.of(glob.split("\\*", -1)).map(Pattern::quote).reduce((a, b) -> a + ".*" + b).orElse("");
    return group.equals(rule.get("group")) && object.getKind().equals(rule.get("kind"))
        && object.getMetadata().getName().matches(regex);
  }

  /** The pruning order of a removed tenant depends on its shard's root outliving it. */
  @Test
  @SuppressWarnings("unchecked")
  void theApplicationSetNeverDeletesAShardRootNorCascades() throws Exception {
    Map<String, Object> set = (Map<String, Object>) CrdSchemas.loadAll(
        Files.readString(Path.of("argocd/applicationset.yaml"))).get(0);
    assertThat(Charts.<String>req(set, "spec", "syncPolicy", "applicationsSync")).isEqualTo("create-update");
    assertThat(Charts.<Boolean>req(set, "spec", "syncPolicy", "preserveResourcesOnDeletion")).isTrue();
    // a finalizer on a root would make deleting it delete every tenant Application of the shard
    assertThat(Charts.<Object>at(set, "spec", "template", "metadata", "finalizers")).isNull();
    // one root per shard folder, which the writer keeps (JGitGitopsWriterTest) once it is empty
    assertThat(Charts.<String>req(set, "spec", "generators", 0, "git", "directories", 0, "path"))
        .isEqualTo("tenants/*");
  }
}

package io.caprovisioner.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of DESIGN.md, checked on the compiled service (not the tests): a change
 * that makes the core do I/O, the webhook path touch git or the cluster, or a route hold a
 * cluster or MySQL client fails the build here, with the offending dependency named.
 */
class LayeringTest {
  private static final String BASE = "io.caprovisioner";
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(BASE);
  }

  private static String pkg(String name) {
    return BASE + "." + name + "..";
  }

  private static void forbid(String from, String... to) {
    String[] targets = new String[to.length];
    for (int i = 0; i < to.length; i++) {
      targets[i] = pkg(to[i]);
    }
    ArchRule rule = noClasses().that().resideInAPackage(pkg(from)).should().dependOnClassesThat()
        .resideInAnyPackage(targets).because(from + " must not depend on " + String.join(", ", to));
    rule.check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching(BASE + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theCoreDependsOnNothingOfOursButItself() {
    noClasses().that().resideInAPackage(pkg("tenant")).should().dependOnClassesThat(
            DescribedPredicate.describe("ours outside the core",
                (JavaClass c) -> c.getPackageName().startsWith(BASE + ".") && !c.getPackageName().startsWith(BASE + ".tenant")))
        .because("the core depends on nothing of ours but itself").check(classes);
  }

  @Test
  void renderingIsPure() {
    forbid("render", "gitops", "db", "k8s");
  }

  @Test
  void theWebhookPathNeverTouchesGitOrTheCluster() {
    forbid("stripe", "gitops", "k8s");
  }

  @Test
  void routesHoldNoClusterOrMysqlClient() {
    forbid("api", "mysql", "k8s");
  }

  @Test
  void theQueueEngineKnowsNoTenantStepOrProductJobKind() {
    forbid("jobs", "pipeline", "lifecycle", "k8s", "mysql");
  }

  @Test
  void httpPlumbingIsBelowEveryFeature() {
    forbid("web", "api", "stripe");
  }

  @Test
  void theDatabaseLayerDoesNotRender() {
    forbid("db", "render");
  }

  /** The pipeline, the webhook and the Git writer report through small observer interfaces instead. */
  @Test
  void onlyTheMetricsPackageAndTheCompositionRootKnowMicrometer() {
    noClasses().that().resideOutsideOfPackages(pkg("metrics"), pkg("app")).should().dependOnClassesThat()
        .resideInAnyPackage("io.micrometer..", "io.vertx.micrometer..")
        .because("metrics are measured in metrics and wired in app").check(classes);
  }
}

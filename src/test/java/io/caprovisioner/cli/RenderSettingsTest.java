package io.caprovisioner.cli;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.RenderSettings;
import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.render.CrdSchemas;
import io.caprovisioner.render.TestConfigs;
import io.caprovisioner.render.YamlTenantRenderer;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gitops repository's CI runs {@code validate} with no setting but what the repository holds:
 * a Flux repository with its own chart, plans and Stripe test mode must pass its own pull requests.
 */
class RenderSettingsTest {
  @TempDir
  Path tmp;

  /** A clone of a gitops repository the service initialised and wrote one tenant to. */
  Path repositoryWrittenByTheService(Map<String, String> serviceEnv) throws Exception {
    Config config = TestConfigs.config(tmp.resolve("service"), serviceEnv);
    Vertx vertx = Vertx.vertx();
    try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config))) {
      writer.write(TestConfigs.stripeTenant(config, "ab12cd34", "archive"),
          new GitChange(GitAction.PROVISION, Optional.of("evt_1"), "stripe-webhook"))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Path work = tmp.resolve("clone");
    git(tmp, "clone", "-q", config.home().resolve("gitops/remote.git").toString(), work.toString());
    return work;
  }

  Map<String, String> serviceEnv() throws Exception {
    Path plans = tmp.resolve("plans.yaml");
    Files.writeString(plans, """
        plans:
          - name: archive
            displayName: Archive
            price: {amount: 9900, currency: EUR}
            resources: {cpuRequest: 250m, memoryRequest: 512Mi, cpuLimit: "1", memoryLimit: 1Gi}
            storage: 1Ti
            caProfile: default
            stripePriceIds: [price_123]
        """);
    Map<String, String> env = new HashMap<>();
    env.put("GITOPS_FLAVOR", "flux");
    env.put("BASE_DOMAIN", "museums.example.org");
    env.put("HELM_CHART_VERSION", "0.3.1");
    env.put("PLANS_FILE", plans.toString());
    env.put("GITOPS_WEB_URL", "https://git.example.org/ops/tenants/src/branch/main");
    env.put("STRIPE_SECRET_KEY", "sk_" + "test_" + "0123456789abcdef"); // built here: no key-shaped text tracked
    return env;
  }

  /** What CI's workflow gives the jar: nothing of the service's configuration. */
  Map<String, String> ciEnv() {
    return Map.of("PROVISIONER_HOME", tmp.resolve("ci-home").toString());
  }

  @Test
  void validateInCiPassesWithOnlyTheCommittedSettingsAndFailsWithoutThem() throws Exception {
    Path repo = repositoryWrittenByTheService(serviceEnv());
    assertThat(Files.readString(repo.resolve(RenderSettings.FILE))).doesNotContain("sk_" + "test_")
        .contains("STRIPE_LIVEMODE: 'false'").contains("name: archive");

    Cli.Result ok = Cli.run(ciEnv(), "validate", repo.toString());
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("ok: 1 tenant(s) checked");

    // staff's tools in the same clone render what the service renders
    Cli.Result added = Cli.run(ciEnv(), "tenant", "new", "--name", "city-museum", "--plan", "archive",
        "--admin-email", "registrar@example.org", "--repo", repo.toString());
    assertThat(added.exit()).as(added.out() + added.err()).isZero();
    assertThat(added.out()).contains("helmrelease.yaml");
    assertThat(Cli.run(ciEnv(), "tenant", "render", repo.toString()).exit()).isZero();
    assertThat(git(repo, "status", "--porcelain", "--", "tenants/" + io.caprovisioner.tenant.TenantNames
        .shardOf("tenant-ab12cd34"))).as("re-rendering the service's tenant changes nothing").isEmpty();
    assertThat(Cli.run(ciEnv(), "validate", repo.toString()).exit()).isZero();

    Files.delete(repo.resolve(RenderSettings.FILE));
    Cli.Result without = Cli.run(ciEnv(), "validate", repo.toString());
    assertThat(without.exit()).as("without the file the defaults (argocd, built-in plans) apply").isNotZero();
  }

  @Test
  void anEnvironmentThatDisagreesWithTheFileIsRefusedNamingBoth() throws Exception {
    Path repo = repositoryWrittenByTheService(serviceEnv());
    Map<String, String> env = new HashMap<>(ciEnv());
    env.put("BASE_DOMAIN", "other.example.org");
    Cli.Result r = Cli.run(env, "validate", repo.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("BASE_DOMAIN").contains("other.example.org").contains("museums.example.org");
  }

  @Test
  void tenantSettingsWritesTheFileForARepositoryThatHasNone() throws Exception {
    Path repo = GitopsCheckouts.skeleton(tmp.resolve("old-repo"));
    Map<String, String> env = new HashMap<>(serviceEnv());
    env.put("PROVISIONER_HOME", tmp.resolve("staff-home").toString());
    Cli.Result r = Cli.run(env, "tenant", "settings", repo.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    @SuppressWarnings("unchecked")
    Map<Object, Object> settings = (Map<Object, Object>) ((Map<?, ?>) CrdSchemas.loadAll(Files.readString(repo.resolve(
        RenderSettings.FILE))).get(0)).get("settings");
    assertThat(settings).containsEntry("GITOPS_FLAVOR", "flux").containsEntry("HELM_CHART_VERSION", "0.3.1")
        .containsEntry("BASE_DOMAIN", "museums.example.org").doesNotContainKey("STRIPE_SECRET_KEY");
  }

  /** The workflow's own shell step, run as GitHub would run it. */
  @Test
  void theWorkflowRunsOnlyAJarWithThePinnedChecksum() throws Exception {
    String workflow = Files.readString(Path.of("gitops-template/skeleton/.github/workflows/validate.yaml"));
    Map<?, ?> job = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) CrdSchemas.loadAll(workflow).get(0)).get("jobs"))
        .get("validate");
    List<?> steps = (List<?>) job.get("steps");
    String check = steps.stream().map(s -> (Map<?, ?>) s).filter(s -> "Check the jar's checksum".equals(s.get("name")))
        .map(s -> (String) s.get("run")).findFirst().orElseThrow();
    List<String> names = steps.stream().map(s -> String.valueOf(((Map<?, ?>) s).get("name"))).toList();
    assertThat(names.indexOf("Check the jar's checksum")).isGreaterThan(names.indexOf("Fetch ca-provisioner"))
        .isLessThan(names.indexOf("Validate"));
    Map<?, ?> validate = (Map<?, ?>) steps.get(names.indexOf("Validate"));
    assertThat(validate.get("env")).as("settings come from the repository's file").isNull();

    Path dir = Files.createDirectories(tmp.resolve("runner"));
    byte[] jar = "not really a jar".getBytes();
    Files.write(dir.resolve("ca-provisioner.jar"), jar);
    String good = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar));
    assertThat(bash(dir, check, good)).isZero();
    assertThat(bash(dir, check, good.replace(good.charAt(0), good.charAt(0) == 'a' ? 'b' : 'a'))).isNotZero();
    assertThat(bash(dir, check, "")).isNotZero();
  }

  static int bash(Path dir, String script, String sha) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-c", script).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("CA_PROVISIONER_SHA256", sha);
    pb.environment().put("CA_PROVISIONER_VERSION", "0.1.0");
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }
}

package io.caprovisioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantCommandsTest {
  @TempDir
  Path tmp;

  Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    // where the service would keep dev secrets: the tools must never create it
    env.put("PROVISIONER_HOME", tmp.resolve("home").toString());
    env.putAll(extra);
    return env;
  }

  @Test
  void tenantNewWritesExactlyWhatTheServiceRendersFromTheSameEnvironment() throws Exception {
    Path repo = GitopsCheckouts.skeleton(tmp.resolve("repo"));
    Map<String, String> settings = Map.of("BASE_DOMAIN", "sites.example.org", "HELM_CHART_VERSION", "0.3.1",
        "CA_DOCKER_IMAGE", "registry.example.org/providence:2.0.11", "CA_CERT_ISSUER", "letsencrypt-staging");

    Cli.Result r = Cli.run(env(settings), "tenant", "new", "--name", "city-museum", "--plan", "pro",
        "--admin-email", "registrar@city-museum.org", "--domain", "tenant-city-museum.sites.example.org",
        "--repo", repo.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    // the service, in production mode with secrets, renders the same bytes
    Map<String, String> serviceEnv = new HashMap<>(settings);
    serviceEnv.putAll(Map.of("DATABASE_URL", "postgresql://u@db:5432/ca", "ADMIN_API_TOKEN", "test-admin-token-0123456789abcdef0123456789",
        "SECRET_KEY", "test-secret-key-0123456789abcdef0123456789", "STRIPE_WEBHOOK_SECRET", "whsec_0123456789abcdef"));
    Config service = ConfigLoader.load(serviceEnv);
    TenantDesired desired = new TenantDesired(TenantNames.of("city-museum", "sites.example.org"),
        service.plans().byName("pro").orElseThrow(), TenantState.ACTIVE, TenantSource.MANUAL, Optional.empty(),
        Optional.empty(), Optional.of("registrar@city-museum.org"));
    RenderedTenant expected = YamlTenantRenderer.fromConfig(service).render(desired);
    for (var file : expected.files().entrySet()) {
      assertThat(Files.readString(repo.resolve(expected.directory()).resolve(file.getKey())))
          .as(file.getKey()).isEqualTo(file.getValue());
    }
    assertThat(r.out()).contains("wrote " + expected.directory() + "/tenant.yaml");
    assertThat(tmp.resolve("home")).doesNotExist();
    assertThat(Path.of("var/secrets")).doesNotExist();
  }

  @Test
  void tenantNewRefusesBadNamesUnknownPlansWrongDomainsAndAnExistingTenant() throws Exception {
    Path repo = GitopsCheckouts.skeleton(tmp.resolve("repo"));
    String r = repo.toString();
    assertThat(Cli.run(env(Map.of()), "tenant", "new", "--name", "../etc", "--plan", "pro", "--admin-email",
        "a@example.org", "--repo", r).err()).contains("tenant name must match");
    assertThat(Cli.run(env(Map.of()), "tenant", "new", "--name", "Bad_Name", "--plan", "pro", "--admin-email",
        "a@example.org", "--repo", r).exit()).isEqualTo(1);
    Cli.Result plan = Cli.run(env(Map.of()), "tenant", "new", "--name", "archive", "--plan", "gold",
        "--admin-email", "a@example.org", "--repo", r);
    assertThat(plan.exit()).isEqualTo(1);
    assertThat(plan.err()).contains("unknown plan 'gold'");
    assertThat(Cli.run(env(Map.of()), "tenant", "new", "--name", "archive", "--plan", "pro", "--admin-email",
        "a@example.org", "--domain", "archive.example.org", "--repo", r).err()).contains("--domain");
    assertThat(Cli.run(env(Map.of()), "tenant", "new", "--name", "archive", "--plan", "pro", "--admin-email",
        "not-an-email", "--repo", r).err()).contains("spec.adminEmail");
    try (Stream<Path> files = Files.walk(repo.resolve("tenants"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())).containsOnly("README.md");
    }

    assertThat(Cli.run(env(Map.of()), "tenant", "new", "--name", "archive", "--plan", "pro", "--admin-email",
        "a@example.org", "--repo", r).exit()).isZero();
    Cli.Result again = Cli.run(env(Map.of()), "tenant", "new", "--name", "archive", "--plan", "starter",
        "--admin-email", "b@example.org", "--repo", r);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("already exists");
  }

  @Test
  void tenantNewOutsideAGitopsCloneSaysSo() {
    Cli.Result r = Cli.run(env(Map.of()), "tenant", "new", "--name", "archive", "--plan", "pro", "--admin-email",
        "a@example.org", "--repo", tmp.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("no tenants/ folder").contains("run `ca-provisioner tenant init` first");
  }

  @Test
  void tenantRenderRewritesTheManifestAfterATenantYamlEdit() throws Exception {
    Path repo = GitopsCheckouts.skeleton(tmp.resolve("repo"));
    Cli.run(env(Map.of()), "tenant", "new", "--name", "archive", "--plan", "pro", "--admin-email", "a@example.org",
        "--repo", repo.toString());
    Path folder = repo.resolve("tenants/" + TenantNames.shardOf("tenant-archive") + "/tenant-archive");
    Path tenantYaml = folder.resolve("tenant.yaml");
    Files.writeString(tenantYaml, Files.readString(tenantYaml).replace("state: active", "state: suspended"));
    String before = Files.readString(folder.resolve("application.yaml"));

    Cli.Result r = Cli.run(env(Map.of()), "tenant", "render", repo.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("rendered tenants/").contains("1 file(s) rendered");
    assertThat(Files.readString(folder.resolve("application.yaml"))).isNotEqualTo(before);
    assertThat(Cli.run(env(Map.of()), "validate", repo.toString()).exit()).isZero();
    assertThat(Cli.run(env(Map.of()), "tenant", "render", repo.toString()).out()).contains("0 file(s) rendered");
  }

  /** The reviewer's repro: a link planted where render used to put its temporary file. */
  @Test
  void tenantRenderRefusesACheckoutWithLinksAndNeverWritesThroughThem() throws Exception {
    Path repo = GitopsCheckouts.skeleton(tmp.resolve("repo"));
    assertThat(Cli.run(env(Map.of()), "tenant", "new", "--name", "city-museum", "--plan", "pro", "--admin-email",
        "a@b.org", "--repo", repo.toString()).exit()).isZero();
    String dir = "tenants/" + TenantNames.shardOf("tenant-city-museum") + "/tenant-city-museum";
    Path folder = repo.resolve(dir);
    Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious\n");
    Files.createSymbolicLink(folder.resolve(".application.yaml.tmp"), victim);
    Path tenantYaml = folder.resolve("tenant.yaml");
    Files.writeString(tenantYaml, Files.readString(tenantYaml).replace("state: active", "state: suspended"));
    String before = Files.readString(folder.resolve("application.yaml"));

    Cli.Result r = Cli.run(env(Map.of()), "tenant", "render", repo.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains(dir + "/.application.yaml.tmp: is a symbolic link");
    assertThat(r.out()).doesNotContain("rendered tenants/");
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
    assertThat(Files.isSymbolicLink(folder.resolve("application.yaml"))).isFalse();
    assertThat(Files.readString(folder.resolve("application.yaml"))).isEqualTo(before);
    // the same rules as validate
    assertThat(Cli.run(env(Map.of()), "validate", repo.toString()).out())
        .contains(dir + "/.application.yaml.tmp: is a symbolic link");

    // without the link, render works and leaves nothing behind
    Files.delete(folder.resolve(".application.yaml.tmp"));
    Cli.Result again = Cli.run(env(Map.of()), "tenant", "render", repo.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(Files.readString(folder.resolve("application.yaml"))).isNotEqualTo(before);
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tenant.yaml",
          "application.yaml");
    }
  }

  @Test
  void tenantNewRefusesACheckoutWithLinksOrStrayFiles() throws Exception {
    Path repo = GitopsCheckouts.skeleton(tmp.resolve("repo"));
    assertThat(Cli.run(env(Map.of()), "tenant", "new", "--name", "archive", "--plan", "pro", "--admin-email",
        "a@example.org", "--repo", repo.toString()).exit()).isZero();
    String archive = "tenants/" + TenantNames.shardOf("tenant-archive") + "/tenant-archive";
    Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious\n");
    Files.createSymbolicLink(repo.resolve(archive).resolve("notes.yaml"), victim);
    Files.writeString(repo.resolve(archive).resolve("stray.txt"), "x");

    Cli.Result r = Cli.run(env(Map.of()), "tenant", "new", "--name", "city-museum", "--plan", "pro",
        "--admin-email", "a@b.org", "--repo", repo.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> l.startsWith(archive + "/")).toList()).containsExactlyInAnyOrder(
        archive + "/notes.yaml: is a symbolic link; links are refused (they can point outside the repository)",
        archive + "/stray.txt: unexpected file: a tenant folder holds only tenant.yaml and application.yaml "
            + "(tenants/<shard>/tenant-<id>/)");
    assertThat(repo.resolve("tenants/" + TenantNames.shardOf("tenant-city-museum") + "/tenant-city-museum"))
        .doesNotExist();
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
  }

  @Test
  void fluxRepositoriesGetAHelmRelease() throws Exception {
    Path repo = GitopsCheckouts.skeleton(tmp.resolve("repo"));
    Map<String, String> flux = env(Map.of("GITOPS_FLAVOR", "flux"));
    assertThat(Cli.run(flux, "tenant", "new", "--name", "archive", "--plan", "pro", "--admin-email",
        "a@example.org", "--repo", repo.toString()).exit()).isZero();
    Path folder = repo.resolve("tenants/" + TenantNames.shardOf("tenant-archive") + "/tenant-archive");
    assertThat(folder.resolve("helmrelease.yaml")).exists();
    assertThat(folder.resolve("application.yaml")).doesNotExist();
    assertThat(Cli.run(flux, "validate", repo.toString()).exit()).isZero();
    // the same repository checked with the other flavor's settings does not pass
    assertThat(Cli.run(env(Map.of()), "validate", repo.toString()).exit()).isEqualTo(1);
  }
}

package io.caprovisioner.cli;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.config.RenderSettings;
import io.caprovisioner.render.TemplateSource;
import io.caprovisioner.tenant.TenantNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tenant init}: a new gitops repository by hand, then the staff workflow on it. */
class TenantInitCommandTest {
  @TempDir
  Path tmp;

  Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("PROVISIONER_HOME", tmp.resolve("home").toString());
    env.putAll(extra);
    return env;
  }

  @Test
  void initThenNewThenValidatePassesWithTheSettingsItWrote() throws Exception {
    Path repo = tmp.resolve("ca-gitops");
    Map<String, String> service = env(Map.of("BASE_DOMAIN", "sites.example.org", "HELM_CHART_VERSION", "0.3.1"));

    Cli.Result init = Cli.run(service, "tenant", "init", repo.toString());

    assertThat(init.exit()).as(init.err()).isZero();
    for (var file : TemplateSource.bundled().skeleton().entrySet()) {
      assertThat(Files.readAllBytes(repo.resolve(file.getKey()))).as(file.getKey()).isEqualTo(file.getValue());
      assertThat(init.out()).contains("wrote " + file.getKey());
    }
    assertThat(repo.resolve(".github/workflows/validate.yaml")).isRegularFile();
    assertThat(Files.readString(repo.resolve(RenderSettings.FILE)))
        .isEqualTo(RenderSettings.text(ConfigLoader.loadForOfflineTools(service)));
    assertThat(tmp.resolve("home")).doesNotExist();

    // from here on the repository's own settings apply: no environment needed
    Cli.Result added = Cli.run(env(Map.of()), "tenant", "new", "--name", "city-museum", "--plan", "pro",
        "--admin-email", "registrar@city-museum.org", "--repo", repo.toString());
    assertThat(added.exit()).as(added.err()).isZero();
    Path tenantYaml = repo.resolve("tenants/" + TenantNames.shardOf("tenant-city-museum")
        + "/tenant-city-museum/tenant.yaml");
    assertThat(Files.readString(tenantYaml)).contains("tenant-city-museum.sites.example.org");
    Cli.Result validate = Cli.run(env(Map.of()), "validate", repo.toString());
    assertThat(validate.exit()).as(validate.out()).isZero();
    assertThat(validate.out()).contains("ok: 1 tenant(s) checked");
  }

  @Test
  void aFreshCloneWithOnlyItsGitFolderIsEmptyEnough() {
    Path repo = tmp.resolve("clone");
    git(mkdirs(repo), "init", "-q");

    Cli.Result init = Cli.run(env(Map.of()), "tenant", "init", repo.toString());

    assertThat(init.exit()).as(init.err()).isZero();
    git(repo, "add", "-A");
    assertThat(git(repo, "status", "--porcelain")).contains("A  tenants/README.md").contains("A  " + RenderSettings.FILE);
    assertThat(Cli.run(env(Map.of()), "validate", repo.toString()).out()).contains("ok: 0 tenant(s) checked");
  }

  @Test
  void anExistingFileIsNeverOverwrittenAndNothingIsWritten() throws Exception {
    Path repo = mkdirs(tmp.resolve("repo"));
    Files.writeString(repo.resolve("README.md"), "our own readme\n");

    Cli.Result init = Cli.run(env(Map.of()), "tenant", "init", repo.toString());

    assertThat(init.exit()).isEqualTo(1);
    assertThat(init.err()).contains("README.md: already exists; tenant init never overwrites").contains("nothing written");
    assertThat(Files.readString(repo.resolve("README.md"))).isEqualTo("our own readme\n");
    try (Stream<Path> files = Files.list(repo)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("README.md");
    }
    // a second init after the first one refuses every file
    Path done = tmp.resolve("done");
    assertThat(Cli.run(env(Map.of()), "tenant", "init", done.toString()).exit()).isZero();
    Cli.Result again = Cli.run(env(Map.of()), "tenant", "init", done.toString());
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains(RenderSettings.FILE + ": already exists").contains("tenants/README.md: already exists");
  }

  @Test
  void neverWritesThroughASymbolicLink() throws Exception {
    Path outside = mkdirs(tmp.resolve("outside"));
    Path repo = mkdirs(tmp.resolve("repo"));
    Files.createSymbolicLink(repo.resolve("tenants"), outside);
    // a dangling link where the settings file goes: following it would create a file outside
    Files.createSymbolicLink(repo.resolve(RenderSettings.FILE), outside.resolve("planted.yaml"));

    Cli.Result init = Cli.run(env(Map.of()), "tenant", "init", repo.toString());

    assertThat(init.exit()).isEqualTo(1);
    assertThat(init.err().lines().filter(l -> l.contains("symbolic link")).toList()).containsExactly(
        RenderSettings.FILE + ": is a symbolic link; tenant init never writes through links",
        "tenants: is a symbolic link; tenant init never writes through links");
    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files).isEmpty();
    }
    assertThat(repo.resolve("README.md")).doesNotExist();
  }

  @Test
  void aFileInsteadOfAFolderIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
    Cli.Result init = Cli.run(env(Map.of()), "tenant", "init", file.toString());
    assertThat(init.exit()).isEqualTo(1);
    assertThat(init.err()).contains("is not a folder");
  }

  static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

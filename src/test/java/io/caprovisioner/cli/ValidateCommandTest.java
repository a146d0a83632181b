package io.caprovisioner.cli;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull-request check: exit 0 when clean, else 1 and one line per problem naming file and field. */
class ValidateCommandTest {
  @TempDir
  Path tmp;
  Path repo;
  Map<String, String> env;

  @BeforeEach
  void repoWithTwoTenants() {
    env = Map.of("PROVISIONER_HOME", tmp.resolve("home").toString());
    repo = GitopsCheckouts.skeleton(tmp.resolve("repo"));
    for (String name : List.of("city-museum", "state-archive")) {
      assertThat(Cli.run(env, "tenant", "new", "--name", name, "--plan", "pro", "--admin-email",
          "registrar@example.org", "--repo", repo.toString()).exit()).isZero();
    }
  }

  Path folder(String name) {
    return repo.resolve("tenants/" + TenantNames.shardOf("tenant-" + name) + "/tenant-" + name);
  }

  String rel(String name, String file) {
    return "tenants/" + TenantNames.shardOf("tenant-" + name) + "/tenant-" + name + "/" + file;
  }

  Cli.Result validate(String... extra) {
    String[] args = new String[extra.length + 2];
    args[0] = "validate";
    System.arraycopy(extra, 0, args, 1, extra.length);
    args[args.length - 1] = repo.toString();
    return Cli.run(env, args);
  }

  List<String> problems(Cli.Result r) {
    return r.out().lines().filter(l -> l.startsWith("tenants/") || l.startsWith("schema/")).toList();
  }

  void edit(Path file, String from, String to) throws Exception {
    String text = Files.readString(file);
    assertThat(text).contains(from);
    Files.writeString(file, text.replace(from, to));
  }

  @Test
  void aFolderWithoutTenantsIsNotAGitopsRepository() throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("notes.txt"), "not a gitops repository\n");

    Cli.Result r = Cli.run(env, "validate", elsewhere.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("tenants/: missing: this is not a gitops repository checkout")
        .contains("tenant init").doesNotContain("ok:");
  }

  @Test
  void aCleanRepositoryPasses() {
    Cli.Result r = validate();
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("ok: 2 tenant(s) checked");
  }

  @Test
  void anUnknownPlanIsNamedByFileAndField() throws Exception {
    edit(folder("city-museum").resolve("tenant.yaml"), "plan: pro", "plan: gold");
    Cli.Result r = validate();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).containsExactly(rel("city-museum", "tenant.yaml")
        + ": spec.plan: unknown plan 'gold' (known: starter, pro, museum)");
  }

  @Test
  void aDuplicateTenantIsRefused() throws Exception {
    // the same tenant copied into another shard folder
    Path copy = repo.resolve("tenants/00/tenant-city-museum");
    Files.createDirectories(copy);
    for (String f : List.of("tenant.yaml", "application.yaml")) {
      Files.copy(folder("city-museum").resolve(f), copy.resolve(f));
    }
    // and another folder whose tenant.yaml names the first tenant
    Path other = folder("state-archive");
    Files.writeString(other.resolve("tenant.yaml"), Files.readString(folder("city-museum").resolve("tenant.yaml")));
    Cli.Result r = validate();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).anyMatch(l -> l.startsWith("tenants/00/tenant-city-museum/tenant.yaml: metadata.name: "
        + "belongs in shard folder tenants/" + TenantNames.shardOf("tenant-city-museum")));
    assertThat(problems(r)).anyMatch(l -> l.startsWith(rel("state-archive", "tenant.yaml")
        + ": metadata.name: is tenant-city-museum but the folder is tenant-state-archive"));
  }

  @Test
  void aDuplicateNamespaceInTwoCorrectlyNamedFilesIsRefused() throws Exception {
    // two tenant.yaml files that both parse as the same tenant cannot both sit in their own folder,
    // so duplicates are caught by the folder rule; the duplicate rule itself is checked here
    // through a folder name in upper case that the file system treats as another folder
    Path upper = repo.resolve("tenants/" + TenantNames.shardOf("tenant-city-museum") + "/tenant-city-museum-2");
    Files.createDirectories(upper);
    Files.copy(folder("city-museum").resolve("tenant.yaml"), upper.resolve("tenant.yaml"));
    Cli.Result r = validate();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).anyMatch(l -> l.contains("tenant-city-museum-2/tenant.yaml: metadata.name:"));
  }

  @Test
  void aHandEditedApplicationYamlNoLongerMatches() throws Exception {
    edit(folder("city-museum").resolve("application.yaml"), "selfHeal: true", "selfHeal: false");
    Cli.Result r = validate();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).hasSize(1);
    assertThat(problems(r).get(0)).startsWith(rel("city-museum", "application.yaml") + ": does not match what its "
        + "tenant.yaml renders to (first difference at line ");
  }

  @Test
  void aMissingManifestAndAStrayFileAreRefused() throws Exception {
    Files.delete(folder("city-museum").resolve("application.yaml"));
    Files.writeString(folder("state-archive").resolve("notes.txt"), "hello");
    List<String> problems = problems(validate());
    assertThat(problems).anyMatch(l -> l.startsWith(rel("city-museum", "application.yaml") + ": missing"));
    assertThat(problems).anyMatch(l -> l.startsWith(rel("state-archive", "notes.txt") + ": unexpected file"));
  }

  @Test
  void theKeepFileOfAShardFolderIsAllowedButNotInsideATenant() throws Exception {
    Files.writeString(folder("city-museum").getParent().resolve(".keep"), "kept\n");
    Files.writeString(folder("state-archive").resolve(".keep"), "kept\n");
    List<String> problems = problems(validate());
    assertThat(problems).containsExactly(rel("state-archive", ".keep") + ": unexpected file: a tenant folder holds "
        + "only tenant.yaml and application.yaml (tenants/<shard>/tenant-<id>/)");
  }

  @Test
  void badNamesAreRefused() throws Exception {
    Path bad = repo.resolve("tenants/" + TenantNames.shardOf("tenant-Bad_Name") + "/tenant-Bad_Name");
    Files.createDirectories(bad);
    Files.writeString(bad.resolve("tenant.yaml"), Files.readString(folder("city-museum").resolve("tenant.yaml"))
        .replace("city-museum", "Bad_Name"));
    edit(folder("state-archive").resolve("tenant.yaml"), "name: tenant-state-archive", "name: tenant-other");
    Cli.Result r = validate();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).contains(
        "tenants/" + TenantNames.shardOf("tenant-Bad_Name") + "/tenant-Bad_Name/tenant.yaml: spec.id: schema: "
            + "does not match the regex pattern ^[a-z][a-z0-9-]{2,30}$");
    assertThat(problems(r)).anyMatch(l -> l.startsWith(rel("state-archive", "tenant.yaml")
        + ": metadata.name: must be tenant-state-archive"));
  }

  @Test
  void pathTricksAreRefused() throws Exception {
    // a tenant.yaml that is a link out of the repository, and a tenant folder that is a link
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("tenant.yaml"), Files.readString(folder("city-museum").resolve("tenant.yaml")));
    Path tenantYaml = folder("city-museum").resolve("tenant.yaml");
    Files.delete(tenantYaml);
    Files.createSymbolicLink(tenantYaml, Path.of("../../../../outside/tenant.yaml"));
    Path linkedFolder = repo.resolve("tenants/" + TenantNames.shardOf("tenant-linked") + "/tenant-linked");
    Files.createDirectories(linkedFolder.getParent());
    Files.createSymbolicLink(linkedFolder, outside);
    Files.createSymbolicLink(repo.resolve("README-link.md"), Path.of("/etc/passwd"));

    Cli.Result r = validate();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).contains(rel("city-museum", "tenant.yaml") + ": is a symbolic link; links are refused "
        + "(they can point outside the repository)");
    assertThat(problems(r)).anyMatch(l -> l.startsWith("tenants/" + TenantNames.shardOf("tenant-linked")
        + "/tenant-linked: is a symbolic link"));
    assertThat(r.out()).contains("README-link.md: is a symbolic link");
    // the links were reported, never followed: nothing else is said about them
    assertThat(problems(r)).hasSize(2);
  }

  @Test
  void secretLookingValuesAreRefusedWithoutBeingPrinted() throws Exception {
    edit(folder("city-museum").resolve("tenant.yaml"), "spec:", "# db password: s3cr3t-pa55word\nspec:");
    edit(folder("state-archive").resolve("tenant.yaml"), "spec:", "# key sk_" + "live_abcdefghijklmnop1234\nspec:");
    Cli.Result r = validate();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).anyMatch(l -> l.startsWith(rel("city-museum", "tenant.yaml") + ": line 7 looks like a "
        + "secret-sounding key"));
    assertThat(problems(r)).anyMatch(l -> l.startsWith(rel("state-archive", "tenant.yaml") + ": line 7 looks like a "
        + "Stripe secret"));
    assertThat(r.out()).doesNotContain("s3cr3t").doesNotContain("sk_live_abc");
  }

  @Test
  void aNewStripeTenantAddedByHandIsRefusedAgainstTheBaseBranch() throws Exception {
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "base");
    git(repo, "branch", "base");
    var config = ConfigLoader.loadForOfflineTools(env);
    TenantDesired stripe = new TenantDesired(TenantNames.of("ab12cd34", config.tenants().baseDomain()),
        config.plans().byName("pro").orElseThrow(), TenantState.ACTIVE, TenantSource.STRIPE, Optional.empty(),
        Optional.of("cus_ABC"), Optional.empty());
    var rendered = YamlTenantRenderer.fromConfig(config).render(stripe);
    for (var f : rendered.files().entrySet()) {
      Path target = repo.resolve(rendered.directory()).resolve(f.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, f.getValue());
    }
    // without the base branch the files are consistent and pass
    assertThat(validate().exit()).isZero();

    commit("a pull request adds a Stripe tenant by hand");
    Cli.Result r = validate("--base", "base");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).containsExactly(rendered.directory() + "/tenant.yaml: spec.source: a new source: stripe "
        + "tenant cannot be added by hand; only the service creates Stripe tenants (staff add source: manual tenants "
        + "with `ca-provisioner tenant new`)");

    // once the service committed it, a hand edit of it is refused too
    git(repo, "branch", "-f", "base");
    edit(repo.resolve(rendered.directory()).resolve("tenant.yaml"), "plan: pro", "plan: museum");
    commit("a pull request edits a Stripe tenant");

    {
      Cli.Result edited = validate("--base", "base");
      assertThat(problems(edited)).anyMatch(l -> l.contains("a Stripe-owned tenant was edited by hand"));
    }

    // and so is its removal
    git(repo, "reset", "-q", "--hard", "base");
    git(repo, "rm", "-q", "-r", rendered.directory());
    commit("a pull request removes a Stripe tenant");
    assertThat(problems(validate("--base", "base"))).containsExactly(rendered.directory() + "/tenant.yaml: removed "
        + "by hand, but this tenant is owned by Stripe: the removal is not applied; cancel the subscription (or use "
        + "the admin API) instead");
  }

  void commit(String message) {
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", message);
  }

  /** The base branch holds the two tenants of the set-up; the pull request's commits go on top. */
  void baseBranch() {
    git(repo, "init", "-q");
    commit("base");
    git(repo, "branch", "base");
  }

  @Test
  void withTheBaseOnlyTheChangedTenantFoldersAreChecked() throws Exception {
    // a folder of the base that is broken (as if merged before a rule existed): --base does not
    // parse it again, since at 100,000 tenants a pull request's check must cost what its folders cost
    Files.writeString(folder("state-archive").resolve("tenant.yaml"), "not: [a tenant");
    baseBranch();
    assertThat(Cli.run(env, "tenant", "new", "--name", "town-library", "--plan", "pro", "--admin-email",
        "registrar@example.org", "--repo", repo.toString()).exit()).isZero();
    commit("a pull request adds the town library");

    Cli.Result r = validate("--base", "base");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("ok: 1 changed tenant(s) checked against base");
    assertThat(validate().exit()).as("the full check sees the broken folder").isEqualTo(1);
  }

  @Test
  void withTheBaseAChangedFolderClaimingAnUnchangedTenantsDomainIsRefused() throws Exception {
    baseBranch();
    // the pull request adds a folder whose tenant.yaml claims city-museum's id, so its namespace and
    // domain: city-museum's folder is unchanged and not parsed, yet the duplicate is caught
    Path copy = repo.resolve("tenants/" + TenantNames.shardOf("tenant-town-library") + "/tenant-town-library");
    Files.createDirectories(copy);
    for (String f : List.of("tenant.yaml", "application.yaml")) {
      Files.copy(folder("city-museum").resolve(f), copy.resolve(f));
    }
    commit("a pull request adds a second city museum");

    Cli.Result r = validate("--base", "base");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).isNotEmpty().allMatch(l -> l.startsWith(rel("town-library", "tenant.yaml")))
        .contains(rel("town-library", "tenant.yaml") + ": metadata.name: is tenant-city-museum but the folder is "
            + "tenant-town-library; the folder must be named after the namespace");
  }

  @Test
  void withTheBaseAChangedSettingsFileChecksEveryFolder() throws Exception {
    baseBranch();
    // another base domain changes what every tenant must say and render to
    Files.writeString(repo.resolve("ca-provisioner.yaml"), "settings:\n  BASE_DOMAIN: sites.example.net\n");
    commit("a pull request moves the fleet to another domain");

    Cli.Result r = validate("--base", "base");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(problems(r)).anyMatch(l -> l.startsWith(rel("city-museum", "tenant.yaml") + ": spec.domain: must be"))
        .anyMatch(l -> l.startsWith(rel("state-archive", "tenant.yaml") + ": spec.domain: must be"));

    // a change of prose only keeps the check to the changed folders
    git(repo, "reset", "-q", "--hard", "base");
    Files.writeString(repo.resolve("NOTES.md"), "Museums first.\n");
    commit("a pull request adds notes");
    Cli.Result prose = validate("--base", "base");
    assertThat(prose.exit()).as(prose.out() + prose.err()).isZero();
    assertThat(prose.out()).contains("ok: 0 changed tenant(s) checked against base");
  }
}

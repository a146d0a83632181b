package io.caprovisioner.gitimport;

import io.caprovisioner.repotools.CheckoutPaths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.db.TenantRepository.StoredTenant;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import io.caprovisioner.tenant.TenantStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure rules behind the import and the tools. */
class SafetyRulesTest {
  @TempDir
  Path tmp;

  @Test
  void removalsWaitWhenTooManyGoAtOnceOrNothingIsLeft() {
    RemovalGuard guard = new RemovalGuard(3);
    assertThat(guard.mustWait(0, 0)).isFalse();
    assertThat(guard.mustWait(3, 10)).isFalse();
    assertThat(guard.mustWait(4, 10)).isTrue();
    assertThat(guard.mustWait(1, 0)).isTrue();
    assertThat(new RemovalGuard(0).mustWait(1, 5)).isTrue();
  }

  @Test
  void checkoutPathsRefuseTraversalAbsolutePathsAndLinks() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo/tenants"));
    Files.createSymbolicLink(repo.resolve("ab"), tmp);
    CheckoutPaths paths = new CheckoutPaths(repo.getParent());
    assertThat(paths.resolve("tenants/00/tenant-x/tenant.yaml").startsWith(paths.root())).isTrue();
    for (String bad : new String[] {"../x", "tenants/../../x", "/etc/passwd", "tenants//x", "tenants/./x", ""}) {
      assertThatThrownBy(() -> paths.resolve(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> paths.resolve("tenants/ab/tenant-x")).hasMessageContaining("symbolic link");
  }

  @Test
  void theCheckoutWriterNeverWritesThroughALinkPlantedForItsTemporaryFile() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    String dir = "tenants/" + TenantNames.shardOf("tenant-x") + "/tenant-x";
    Path folder = Files.createDirectories(repo.resolve(dir));
    Files.writeString(folder.resolve("application.yaml"), "old\n");
    Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious\n");
    // the name the writer used to use, and a few plausible others
    for (String planted : new String[] {".application.yaml.tmp", ".application.yaml", "application.yaml.tmp"}) {
      Files.createSymbolicLink(folder.resolve(planted), victim);
    }

    java.util.List<String> written = new io.caprovisioner.repotools.CheckoutWriter(new CheckoutPaths(repo)).write(new io.caprovisioner.render
        .RenderedTenant(dir, new java.util.TreeMap<>(Map.of("application.yaml", "new\n")), "h"),
        java.util.Set.of("application.yaml"));

    assertThat(written).containsExactly(dir + "/application.yaml");
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
    assertThat(Files.isRegularFile(folder.resolve("application.yaml"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .isTrue();
    assertThat(Files.readString(folder.resolve("application.yaml"))).isEqualTo("new\n");
    try (var files = Files.list(folder)) { // no temporary file left behind
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("application.yaml",
          ".application.yaml.tmp", ".application.yaml", "application.yaml.tmp");
    }
  }

  @Test
  void theOfflineModeNeedsNoSecretsAndWritesNothing() {
    Path home = tmp.resolve("home");
    Config config = ConfigLoader.loadForOfflineTools(Map.of("PROVISIONER_HOME", home.toString(),
        "DATABASE_URL", "postgresql://u@db:5432/ca", "BASE_DOMAIN", "Sites.Example.org", "GITOPS_MAX_DELETIONS", "7"));
    assertThat(config.tenants().baseDomain()).isEqualTo("sites.example.org");
    assertThat(config.postgres().url()).isEmpty();
    assertThat(config.gitops().maxDeletions()).isEqualTo(7);
    assertThat(home).doesNotExist();
    assertThat(ConfigLoader.loadForOfflineTools(Map.of("PROVISIONER_HOME", home.toString())).gitops().maxDeletions())
        .isEqualTo(3);
  }

  @Test
  void theDesiredStateOfAStoredTenantKeepsTheContactThatLivesInGit() {
    Config config = ConfigLoader.loadForOfflineTools(Map.of("PROVISIONER_HOME", tmp.toString()));
    for (TenantStatus status : TenantStatus.values()) {
      TenantDesired d = TenantRepository.desiredOf(stored(status, TenantSource.MANUAL, true), config.plans());
      assertThat(d.state()).as(status.wire()).isEqualTo(status == TenantStatus.SUSPENDED
          || status == TenantStatus.DELETING ? TenantState.SUSPENDED : TenantState.ACTIVE);
      assertThat(d.adminEmail()).contains("registrar@city-museum.org");
      assertThat(d.plan().name()).isEqualTo("pro");
    }
    assertThat(TenantRepository.desiredOf(stored(TenantStatus.ACTIVE, TenantSource.MANUAL, false), config.plans())
        .adminEmail()).isEmpty();
    TenantDesired stripe = TenantRepository.desiredOf(stored(TenantStatus.ACTIVE, TenantSource.STRIPE, true),
        config.plans());
    assertThat(stripe.adminEmail()).isEmpty();
    assertThat(stripe.stripeCustomerId()).contains("cus_X1");
  }

  static StoredTenant stored(TenantStatus status, TenantSource source, boolean emailInGit) {
    OffsetDateTime now = OffsetDateTime.now();
    Tenant t = new Tenant(1, Optional.of(2L), TenantNames.of("city-museum", "collectiveaccess.localhost"), "pro",
        status, Optional.empty(), source, Optional.empty(), Optional.of("cus_X1"), Optional.empty(), now, now,
        Optional.empty(), Optional.empty(), 1, Optional.empty());
    return new StoredTenant(t, emailInGit, emailInGit ? Optional.of("registrar@city-museum.org") : Optional.empty());
  }
}

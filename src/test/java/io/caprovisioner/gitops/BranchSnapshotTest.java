package io.caprovisioner.gitops;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.Config;
import io.caprovisioner.render.TestConfigs;
import io.caprovisioner.render.YamlTenantRenderer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Git import is handed after a push: only the tenant files people changed since the last
 * imported commit, not the whole fleet's, so its cost follows the change (real JGit clone, a local
 * bare remote, and the git CLI playing a merged pull request).
 */
class BranchSnapshotTest {
  private static final int FLEET = 30;
  @TempDir
  Path tmp;
  private Vertx vertx;
  private JGitGitopsWriter writer;
  private Config config;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    config = TestConfigs.config(tmp.resolve("home"), Map.of());
    writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config));
    List<Future<Optional<String>>> writes = new ArrayList<>();
    for (int i = 0; i < FLEET; i++) {
      writes.add(writer.write(TestConfigs.stripeTenant(config, String.format("fleet%03d", i), "pro"),
          new GitChange(GitAction.PROVISION, Optional.empty(), "test")));
    }
    for (Future<Optional<String>> w : writes) {
      await(w);
    }
  }

  @AfterEach
  void stop() throws Exception {
    writer.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void afterAPushOnlyTheFoldersPeopleChangedAreRead() throws Exception {
    String imported = await(writer.snapshot(Optional.empty())).tip().orElseThrow();
    // the service's own commit, then a person's pull request changing one tenant and removing another
    await(writer.write(TestConfigs.stripeTenant(config, "fleet001", "starter"),
        new GitChange(GitAction.PLAN_CHANGE, Optional.empty(), "test")));
    Path work = tmp.resolve("work");
    git(tmp, "clone", "-q", config.home().resolve("gitops/remote.git").toString(), work.toString());
    String edited = "tenants/" + io.caprovisioner.tenant.TenantNames.shardOf("tenant-fleet002") + "/tenant-fleet002";
    String removed = "tenants/" + io.caprovisioner.tenant.TenantNames.shardOf("tenant-fleet003") + "/tenant-fleet003";
    Files.writeString(work.resolve(edited + "/tenant.yaml"), "# edited by staff\n", java.nio.file.StandardOpenOption.APPEND);
    git(work, "rm", "-q", "-r", removed);
    git(work, "-c", "user.name=Staff", "-c", "user.email=staff@example.org", "commit", "-q", "-am", "Staff edit");
    git(work, "push", "-q", "origin", "main");

    BranchSnapshot snapshot = await(writer.snapshot(Optional.of(imported)));

    assertThat(snapshot.relation()).isEqualTo(BranchSnapshot.Relation.DESCENDANT);
    assertThat(snapshot.files()).extracting(TenantFile::path).containsExactly(edited + "/tenant.yaml");
    assertThat(snapshot.changedByPeople()).containsExactlyInAnyOrder(edited, removed);
    assertThat(snapshot.removedFolders()).containsExactly(removed);
    String serviceChanged = "tenants/" + io.caprovisioner.tenant.TenantNames.shardOf("tenant-fleet001")
        + "/tenant-fleet001";
    assertThat(snapshot.changedAtTip()).containsExactlyInAnyOrder(edited, serviceChanged);
    assertThat(snapshot.tenantsAtTip()).isEqualTo(FLEET - 1);
  }

  @Test
  void nothingIsReadWhenTheTipIsTheLastImportedCommit() throws Exception {
    String tip = await(writer.snapshot(Optional.empty())).tip().orElseThrow();

    BranchSnapshot snapshot = await(writer.snapshot(Optional.of(tip)));

    assertThat(snapshot.relation()).isEqualTo(BranchSnapshot.Relation.SAME);
    assertThat(snapshot.files()).isEmpty();
  }

  @Test
  void theFirstImportStillSeesEveryTenant() throws Exception {
    BranchSnapshot snapshot = await(writer.snapshot(Optional.empty()));

    assertThat(snapshot.relation()).isEqualTo(BranchSnapshot.Relation.FIRST);
    assertThat(snapshot.files()).hasSize(FLEET);
    assertThat(snapshot.tenantsAtTip()).isEqualTo(FLEET);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}

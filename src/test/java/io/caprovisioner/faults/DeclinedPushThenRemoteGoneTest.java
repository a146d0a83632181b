package io.caprovisioner.faults;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.config.Config;
import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.gitops.GitopsUnavailableException;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.render.TestConfigs;
import io.caprovisioner.render.YamlTenantRenderer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forge that declines a push and is gone for the fetch that follows (the remote vanished as it
 * answered, as in the fault suite's outage): the write waits as for any outage, and once the remote
 * is back the next write goes out, on a remote given its first commits as well as on an empty one.
 * The writer had moved its clone's branch to the declined commit (or the skeleton); left there,
 * every later write lost its compare-and-set against it and failed, spending the tenants' attempts.
 * The forge is Git's own http-backend, whose pre-receive hook declines and moves the repository
 * away.
 */
@Tag("faults")
class DeclinedPushThenRemoteGoneTest {
  @TempDir
  Path tmp;
  Path remote;
  Path away;
  Vertx vertx;
  GitHttpServer forge;
  Config config;
  JGitGitopsWriter writer;

  @BeforeEach
  void start() throws IOException {
    Path repos = tmp.resolve("forge");
    remote = repos.resolve("gitops.git");
    away = repos.resolve("gitops-away.git");
    git(tmp, "init", "-q", "--bare", "-b", "main", remote.toString());
    vertx = Vertx.vertx();
    forge = new GitHttpServer(repos);
    config = TestConfigs.config(tmp.resolve("home"), Map.of("GITOPS_REPO_URL", forge.url("gitops.git"),
        "GITOPS_POLL_INTERVAL", "3600"));
    writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config));
  }

  @AfterEach
  void stop() throws Exception {
    writer.close();
    forge.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPushDeclinedByARemoteThatThenVanishesLeavesTheWriterAbleToPushOnceItIsBack() throws Exception {
    assertThat(provision("ab12cd34", "evt_1")).isPresent();

    declineAndVanish();
    assertThatThrownBy(() -> provision("cd34ef56", "evt_2")).cause().isInstanceOf(GitopsUnavailableException.class);
    assertThat(remote).doesNotExist();

    comeBack();
    assertThat(provision("ef56ab78", "evt_3")).isPresent();
    assertThat(provision("cd34ef56", "evt_2")).isPresent();
    assertThat(git(remote, "log", "--format=%s", "main").lines().toList()).containsExactly(
        "Provision tenant-cd34ef56 on plan pro", "Provision tenant-ef56ab78 on plan pro",
        "Provision tenant-ab12cd34 on plan pro", "Initialise the gitops repository");
  }

  @Test
  void aFirstPushOfTheSkeletonDeclinedByARemoteThatThenVanishesIsMadeAgainOnceItIsBack() throws Exception {
    declineAndVanish();
    assertThatThrownBy(() -> provision("ab12cd34", "evt_1")).cause().isInstanceOf(GitopsUnavailableException.class);

    comeBack();
    assertThat(provision("ab12cd34", "evt_1")).isPresent();
    assertThat(git(remote, "log", "--format=%s", "main").lines().toList()).containsExactly(
        "Provision tenant-ab12cd34 on plan pro", "Initialise the gitops repository");
  }

  private Optional<String> provision(String id, String event) throws Exception {
    return writer.write(TestConfigs.stripeTenant(config, id, "pro"),
        new GitChange(GitAction.PROVISION, Optional.of(event), "stripe-webhook"))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** The remote's next push is declined, and the repository moved away as it answers. */
  private void declineAndVanish() throws IOException {
    Path hook = remote.resolve("hooks/pre-receive");
    Files.writeString(hook, "#!/bin/sh\nmv \"$(pwd)\" \"" + away + "\"\nexit 1\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void comeBack() throws IOException {
    Files.move(away, remote);
    Files.delete(remote.resolve("hooks/pre-receive"));
  }
}

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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

  @Test
  void aPushDeclinedByARemoteThatThenVanishesLeavesTheWriterAbleToPushOnceItIsBack() throws Exception {
    Path repos = tmp.resolve("forge");
    Path remote = repos.resolve("gitops.git");
    Path away = repos.resolve("gitops-away.git");
    git(tmp, "init", "-q", "--bare", "-b", "main", remote.toString());
    Vertx vertx = Vertx.vertx();
    try (GitHttpServer forge = new GitHttpServer(repos)) {
      Config config = TestConfigs.config(tmp.resolve("home"), Map.of("GITOPS_REPO_URL", forge.url("gitops.git"),
          "GITOPS_POLL_INTERVAL", "3600"));
      try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config))) {
        await(writer.write(TestConfigs.stripeTenant(config, "ab12cd34", "pro"), change("evt_1")));

        declineAndVanish(remote, away);
        assertThatThrownBy(() -> await(writer.write(TestConfigs.stripeTenant(config, "cd34ef56", "pro"),
            change("evt_2")))).cause().isInstanceOf(GitopsUnavailableException.class);
        assertThat(remote).doesNotExist();

        Files.move(away, remote);
        Files.delete(remote.resolve("hooks/pre-receive"));
        assertThat(await(writer.write(TestConfigs.stripeTenant(config, "ef56ab78", "pro"), change("evt_3"))))
            .isPresent();
        assertThat(await(writer.write(TestConfigs.stripeTenant(config, "cd34ef56", "pro"), change("evt_2"))))
            .isPresent();
        assertThat(git(remote, "log", "--format=%s", "main").lines().toList()).containsExactly(
            "Provision tenant-cd34ef56 on plan pro", "Provision tenant-ef56ab78 on plan pro",
            "Provision tenant-ab12cd34 on plan pro", "Initialise the gitops repository");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFirstPushOfTheSkeletonDeclinedByARemoteThatThenVanishesIsMadeAgainOnceItIsBack() throws Exception {
    Path repos = tmp.resolve("forge");
    Path remote = repos.resolve("gitops.git");
    Path away = repos.resolve("gitops-away.git");
    git(tmp, "init", "-q", "--bare", "-b", "main", remote.toString());
    declineAndVanish(remote, away);
    Vertx vertx = Vertx.vertx();
    try (GitHttpServer forge = new GitHttpServer(repos)) {
      Config config = TestConfigs.config(tmp.resolve("home"), Map.of("GITOPS_REPO_URL", forge.url("gitops.git"),
          "GITOPS_POLL_INTERVAL", "3600"));
      try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config))) {
        assertThatThrownBy(() -> await(writer.write(TestConfigs.stripeTenant(config, "ab12cd34", "pro"),
            change("evt_1")))).cause().isInstanceOf(GitopsUnavailableException.class);

        Files.move(away, remote);
        Files.delete(remote.resolve("hooks/pre-receive"));
        assertThat(await(writer.write(TestConfigs.stripeTenant(config, "ab12cd34", "pro"), change("evt_1"))))
            .isPresent();
        assertThat(git(remote, "log", "--format=%s", "main").lines().toList()).containsExactly(
            "Provision tenant-ab12cd34 on plan pro", "Initialise the gitops repository");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The remote's next push is declined, and the repository moved to {@code away} as it answers. */
  private static void declineAndVanish(Path remote, Path away) throws IOException {
    Path hook = remote.resolve("hooks/pre-receive");
    Files.writeString(hook, "#!/bin/sh\nmv \"$(pwd)\" \"" + away + "\"\nexit 1\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static GitChange change(String event) {
    return new GitChange(GitAction.PROVISION, Optional.of(event), "stripe-webhook");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}

package io.caprovisioner.gitops;

import static io.caprovisioner.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.config.Config;
import io.caprovisioner.render.TestConfigs;
import io.caprovisioner.render.YamlTenantRenderer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gitops remote over SSH against Debian's OpenSSH, with what GitHub and any recent OpenSSH use:
 * an ed25519 host key and an ed25519 client key (MINA sshd reads and signs them with Bouncy Castle).
 */
class SshRemoteTest {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  @TempDir
  Path tmp;
  private Vertx vertx;
  private Process sshd;
  private int port;
  private Path repo;

  @BeforeEach
  void startSshd() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(SSHD),
        "skipped: " + SSHD + " is missing (Debian's openssh-server; .ci/run installs it)");
    keygen(tmp.resolve("host_ed25519"));
    keygen(tmp.resolve("client_ed25519"));
    Files.copy(tmp.resolve("client_ed25519.pub"), tmp.resolve("authorized_keys"));
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Files.writeString(tmp.resolve("sshd_config"), String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + tmp.resolve("host_ed25519"),
        "AuthorizedKeysFile " + tmp.resolve("authorized_keys"),
        "PubkeyAcceptedAlgorithms ssh-ed25519",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        "PidFile " + tmp.resolve("sshd.pid"),
        ""));
    // sshd checks its privilege separation directory even for one test server; only root makes it
    try {
      Files.createDirectories(Path.of("/run/sshd"));
    } catch (IOException e) {
      Assumptions.abort("skipped: /run/sshd is missing and cannot be created (" + e + ")");
    }
    sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", tmp.resolve("sshd_config").toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("sshd.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException notYet) {
        if (!sshd.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("sshd did not start: " + Files.readString(tmp.resolve("sshd.log")));
        }
        Thread.sleep(50);
      }
    }
    repo = tmp.resolve("gitops.git");
    Files.createDirectories(repo);
    git(repo, "init", "-q", "--bare", "--initial-branch=main");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (sshd != null) {
      sshd.destroy();
      sshd.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void keygen(Path file) throws Exception {
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-only", "-f",
        file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  private Config config(Path knownHostKey) throws IOException {
    String[] key = Files.readString(knownHostKey).trim().split(" ");
    Path knownHosts = tmp.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + key[0] + " " + key[1] + "\n");
    return TestConfigs.config(tmp.resolve("home"), Map.of(
        "GITOPS_REPO_URL", "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + repo,
        "GIT_SSH_KEY_FILE", tmp.resolve("client_ed25519").toString(),
        "GIT_SSH_KNOWN_HOSTS", knownHosts.toString()));
  }

  @Test
  void pushesATenantWithAnEd25519KeyToAServerWithAnEd25519HostKey() throws Exception {
    Config config = config(tmp.resolve("host_ed25519.pub"));
    try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config))) {
      Optional<String> commit = JGitGitopsWriterTest.await(writer.write(TestConfigs.stripeTenant(config, "ab12cd34",
          "pro"), JGitGitopsWriterTest.change(GitAction.PROVISION, "evt_ssh")));

      assertThat(commit).isPresent();
      assertThat(git(repo, "rev-parse", "main").trim()).isEqualTo(commit.get());
      assertThat(git(repo, "ls-tree", "-r", "--name-only", "main").lines().toList())
          .anyMatch(f -> f.endsWith("/tenant-ab12cd34/tenant.yaml"));
    }
  }

  @Test
  void aServerWhoseEd25519HostKeyIsNotTheKnownOneIsRefusedWithItsFingerprint() throws Exception {
    keygen(tmp.resolve("other_ed25519"));
    Config config = config(tmp.resolve("other_ed25519.pub"));
    try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config))) {
      assertThatThrownBy(() -> JGitGitopsWriterTest.await(writer.write(TestConfigs.stripeTenant(config, "ab12cd34",
          "pro"), JGitGitopsWriterTest.change(GitAction.PROVISION, "evt_ssh"))))
          .cause().isInstanceOf(GitopsUnavailableException.class).hasMessageContaining("SHA256:").hasMessageContaining(tmp.resolve("known_hosts").toString());
    }
    assertThat(git(repo, "rev-list", "--all").trim()).isEmpty();
  }

  @Test
  void theServerLogShowsTheEd25519ClientKeyWasAccepted() throws Exception {
    Config config = config(tmp.resolve("host_ed25519.pub"));
    try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config))) {
      JGitGitopsWriterTest.await(writer.write(TestConfigs.stripeTenant(config, "cd34ef56", "starter"),
          JGitGitopsWriterTest.change(GitAction.PROVISION, "evt_ssh")));
    }
    List<String> log = Files.readAllLines(tmp.resolve("sshd.log"));
    assertThat(log).anyMatch(l -> l.contains("Accepted publickey") && l.contains("ED25519"));
  }
}

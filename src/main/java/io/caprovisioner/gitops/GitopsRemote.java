package io.caprovisioner.gitops;

import io.caprovisioner.config.Config;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * The gitops repository we push to and how to reach it: HTTPS with a token, SSH with a key and
 * checked known hosts (an unknown host key is refused, never accepted), or a local path. Without
 * GITOPS_REPO_URL a bare repository under PROVISIONER_HOME plays the remote.
 */
final class GitopsRemote implements AutoCloseable {
  /** GitHub takes any user name with a token; this one documents what the password is. */
  private static final String TOKEN_USER = "x-access-token";

  private final URIish uri;
  private final Optional<Path> localBare;
  private final Optional<UsernamePasswordCredentialsProvider> credentials;
  private final Optional<SshdSessionFactory> ssh;

  private GitopsRemote(URIish uri, Optional<Path> localBare, Optional<UsernamePasswordCredentialsProvider> credentials,
      Optional<SshdSessionFactory> ssh) {
    this.uri = uri;
    this.localBare = localBare;
    this.credentials = credentials;
    this.ssh = ssh;
  }

  /** @param knownHosts GIT_SSH_KNOWN_HOSTS; empty: {@code ~/.ssh/known_hosts} */
  static GitopsRemote of(Config config, Optional<Path> knownHosts) {
    Config.Gitops gitops = config.gitops();
    Optional<Path> localBare = gitops.repoUrl().isEmpty()
        ? Optional.of(config.home().resolve("gitops/remote.git")) : Optional.empty();
    String url = gitops.repoUrl().orElseGet(() -> localBare.get().toUri().toString());
    URIish uri;
    try {
      uri = new URIish(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("GITOPS_REPO_URL is not a Git URL: " + url);
    }
    Optional<UsernamePasswordCredentialsProvider> credentials = gitops.token()
        .map(t -> new UsernamePasswordCredentialsProvider(gitops.username().orElse(TOKEN_USER), t));
    Optional<SshdSessionFactory> ssh = gitops.sshKeyFile().map(key -> sshFactory(key, knownHosts));
    return new GitopsRemote(uri, localBare, credentials, ssh);
  }

  private static SshdSessionFactory sshFactory(Path key, Optional<Path> knownHosts) {
    File home = FS.DETECTED.userHome();
    File sshDir = new File(home, ".ssh");
    Path hosts = knownHosts.orElse(sshDir.toPath().resolve("known_hosts"));
    return new SshdSessionFactoryBuilder().setHomeDirectory(home).setSshDirectory(sshDir)
        .setDefaultIdentities(dir -> List.of(key)).setDefaultKnownHostsFiles(dir -> List.of(hosts))
        .setPreferredAuthentications("publickey")
        // no CredentialsProvider is ever given to SSH, so an unknown or changed host key is refused
        .build(null);
  }

  /**
   * Creates the dev-mode local remote on first use, and turns off its automatic gc on receive
   * (also in one made by an earlier version).
   */
  void ensureLocalRemoteExists(String branch) throws IOException {
    if (localBare.isEmpty()) {
      return;
    }
    if (!Files.exists(localBare.get().resolve("HEAD"))) {
      Files.createDirectories(localBare.get());
      try (Git git = Git.init().setBare(true).setDirectory(localBare.get().toFile()).setInitialBranch(branch).call()) {
        // a fresh empty repository; the writer pushes the skeleton into it
      } catch (GitAPIException e) {
        throw new IOException("cannot create the local gitops repository " + localBare.get() + ": " + e.getMessage(),
            e);
      }
    }
    disableAutoGcOnReceive(localBare.get());
  }

  /**
   * Every push to a file:// remote runs JGit's receive-pack in this process, and that starts a
   * background gc of the whole remote once it holds more than gc.autoPackLimit (50) packs. Such a
   * gc keeps the packs it replaced (gc.prunePackExpire, an hour), so the count stays above the
   * limit and every later push starts another full repack: a constant CPU load that slowed a
   * commit to a 10,000-tenant remote holding 70 packs from 23 to 53 ms. The
   * {@link LooseObjectCollector} packs this remote instead, on the writer's thread between batches.
   */
  static void disableAutoGcOnReceive(Path bare) throws IOException {
    try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build()) {
      StoredConfig config = repository.getConfig();
      if (config.getBoolean(ConfigConstants.CONFIG_RECEIVE_SECTION, ConfigConstants.CONFIG_KEY_AUTOGC, true)) {
        config.setBoolean(ConfigConstants.CONFIG_RECEIVE_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOGC, false);
        config.save();
      }
    }
  }

  Transport open(Repository local) throws IOException {
    Transport transport = Transport.open(local, uri);
    transport.setTimeout(60);
    credentials.ifPresent(transport::setCredentialsProvider);
    if (transport instanceof SshTransport sshTransport && ssh.isPresent()) {
      sshTransport.setSshSessionFactory(ssh.get());
    }
    return transport;
  }

  /** The dev-mode local remote, when there is one (the collector keeps it packed too). */
  Optional<Path> localBarePath() {
    return localBare;
  }

  /** For messages: never contains the token (URIish keeps credentials out unless embedded). */
  String display() {
    return uri.setPass(null).toString();
  }

  @Override
  public void close() {
    ssh.ifPresent(SshdSessionFactory::close);
  }
}

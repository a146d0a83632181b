package io.caprovisioner.gitops;

import io.caprovisioner.config.Config;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
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
  private final Path knownHostsFile;
  /** The user name sent with GIT_TOKEN over HTTPS. */
  private final String tokenUser;
  /** GITOPS_TIMEOUT: the longest one fetch or push waits for the remote's next byte. */
  private final int timeoutSeconds;
  /** The local remote opened once, on first use; see {@link LocalBareRemote}. */
  private LocalBareRemote openLocal;
  /** What the last SSH connection was asked and refused; see {@link #describe}. */
  private final List<Refusal> refusals = new ArrayList<>();

  /** One question SSH asked and got no for: about a host key, or for a secret (a passphrase). */
  record Refusal(boolean hostKey, String question) {
  }

  private GitopsRemote(URIish uri, Optional<Path> localBare, Optional<UsernamePasswordCredentialsProvider> credentials,
      Optional<SshdSessionFactory> ssh, Path knownHostsFile, String tokenUser, int timeoutSeconds) {
    this.uri = uri;
    this.timeoutSeconds = timeoutSeconds;
    this.localBare = localBare;
    this.credentials = credentials;
    this.ssh = ssh;
    this.knownHostsFile = knownHostsFile;
    this.tokenUser = tokenUser;
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
    String tokenUser = gitops.username().orElse(TOKEN_USER);
    Optional<UsernamePasswordCredentialsProvider> credentials = gitops.token()
        .map(t -> new UsernamePasswordCredentialsProvider(tokenUser, t));
    Path hosts = knownHosts.orElse(new File(FS.DETECTED.userHome(), ".ssh").toPath().resolve("known_hosts"));
    Optional<SshdSessionFactory> ssh = gitops.sshKeyFile().map(key -> sshFactory(key, hosts));
    return new GitopsRemote(uri, localBare, credentials, ssh, hosts, tokenUser,
        (int) Math.max(1, gitops.timeout().toSeconds()));
  }

  private static SshdSessionFactory sshFactory(Path key, Path hosts) {
    File home = FS.DETECTED.userHome();
    File sshDir = new File(home, ".ssh");
    return new SshdSessionFactoryBuilder().setHomeDirectory(home).setSshDirectory(sshDir)
        .setDefaultIdentities(dir -> List.of(key)).setDefaultKnownHostsFiles(dir -> List.of(hosts))
        .setPreferredAuthentications("publickey")
        // SSH only ever gets a RefusingProvider, so an unknown or changed host key is refused
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
   * {@link LooseObjectCollector} packs this remote instead, in the background, when the writer asks
   * between batches.
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
    Optional<LocalBareRemote> bare = localRemote();
    Transport transport = bare.isPresent() ? bare.get().open(local) : Transport.open(local, uri);
    transport.setTimeout(timeoutSeconds);
    if (transport instanceof SshTransport sshTransport) {
      ssh.ifPresent(sshTransport::setSshSessionFactory);
      // the token is for HTTPS; SSH gets a provider that says no to every question (accept this
      // unknown or changed host key? the key's passphrase?) and keeps the question for the error
      synchronized (refusals) {
        refusals.clear();
      }
      sshTransport.setCredentialsProvider(new RefusingProvider(refusals));
    } else {
      credentials.ifPresent(transport::setCredentialsProvider);
    }
    return transport;
  }

  /**
   * The message for a failed fetch or push: JGit's own, plus what SSH refused to accept (an
   * unknown or changed host key, which JGit only reports as "Server key did not validate").
   */
  String describe(TransportException e) {
    List<Refusal> refused;
    synchronized (refusals) {
      refused = List.copyOf(refusals);
    }
    if (refused.isEmpty()) {
      return e.getMessage() + httpHint(e);
    }
    StringBuilder message = new StringBuilder(e.getMessage()).append(" (refused:");
    refused.forEach(r -> message.append(' ').append(r.question()));
    if (refused.stream().anyMatch(Refusal::hostKey)) {
      String hosts = ssh.isPresent() ? knownHostsFile.toString() : "~/.ssh/known_hosts";
      message.append(" Host keys are read from ").append(hosts)
          .append("; add the server's key there, e.g. from ssh-keyscan, after checking its fingerprint");
    } else {
      message.append(" The service cannot type a passphrase: GIT_SSH_KEY_FILE must be a key without one");
    }
    return message.append(')').toString();
  }

  /**
   * The dev-mode local remote, opened once it exists (the collector keeps it packed too, through
   * the same open repository); empty for a real remote, or before the local one was created.
   */
  synchronized Optional<LocalBareRemote> localRemote() throws IOException {
    if (openLocal == null && localBare.isPresent() && Files.exists(localBare.get().resolve("HEAD"))) {
      openLocal = LocalBareRemote.open(localBare.get());
    }
    return Optional.ofNullable(openLocal);
  }

  /** For messages: no user info at all, so a token in the user part (https://<token>@host) never shows. */
  String display() {
    return uri.setPass(null).setUser(null).toString();
  }

  @Override
  public synchronized void close() {
    if (openLocal != null) {
      openLocal.close();
      openLocal = null;
    }
    ssh.ifPresent(SshdSessionFactory::close);
  }

  /** Why an HTTPS fetch or push failed, where JGit's own message does not say. */
  private String httpHint(TransportException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        Throwable root = c;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        return " (TLS: " + root.getMessage() + (c.getMessage() != null && c.getMessage().contains("PKIX")
            ? "; this JVM does not trust the server's certificate: add its CA to the trust store"
              + " (-Djavax.net.ssl.trustStore=...)" : "") + ")";
      }
    }
    String message = String.valueOf(e.getMessage());
    if (message.endsWith("not authorized") && credentials.isPresent()) {
      return " (the server refused user '" + tokenUser
          + "' with GIT_TOKEN as its password: check GIT_TOKEN, its scopes and expiry, and GIT_USERNAME)";
    }
    if (message.contains("no CredentialsProvider")) {
      return " (set GIT_TOKEN, and GIT_USERNAME if the server needs a real user name)";
    }
    return "";
  }

  /**
   * Says no to everything SSH asks: accepting an unknown or changed host key, storing it, a key
   * passphrase. Keeps the questions so that the error can say what was refused.
   */
  static final class RefusingProvider extends CredentialsProvider {
    private final List<Refusal> asked;

    RefusingProvider(List<Refusal> asked) {
      this.asked = asked;
    }

    @Override
    public boolean isInteractive() {
      return true; // so that JGit explains the host key it refuses instead of failing silently
    }

    @Override
    public boolean supports(CredentialItem... items) {
      return true;
    }

    @Override
    public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
      StringBuilder question = new StringBuilder();
      boolean hostKey = false;
      for (CredentialItem item : items) {
        String text = item.getPromptText();
        if (text != null && !text.isBlank()) {
          question.append(question.length() == 0 ? "" : " ").append(text.strip().replaceAll("\\s+", " "));
        }
        if (item instanceof CredentialItem.YesNoType yesNo) {
          yesNo.setValue(false);
          hostKey = true;
        }
      }
      if (question.length() > 0) {
        synchronized (asked) {
          asked.add(new Refusal(hostKey, question.toString()));
        }
      }
      return false;
    }
  }
}

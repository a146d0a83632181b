package io.caprovisioner.gitops;

import io.caprovisioner.config.Config;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.KeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.PrivateKeyEntryDecoder;
import org.apache.sshd.common.config.keys.PublicKeyEntryDecoder;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.security.AbstractSecurityProviderRegistrar;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSASupport;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSAUtils;
import org.apache.sshd.common.util.security.eddsa.generic.GenericEd25519PublicKeyDecoder;
import org.apache.sshd.common.util.security.eddsa.generic.GenericOpenSSHEd25519PrivateKeyEntryDecoder;
import org.apache.sshd.common.util.security.eddsa.generic.GenericSignatureEd25519;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.lib.Repository;
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
  /** What the last SSH connection was asked and refused; see {@link #describe}. */
  private final List<Refusal> refusals = new ArrayList<>();

  /** One question SSH asked and got no for: about a host key, or for a secret (a passphrase). */
  record Refusal(boolean hostKey, String question) {
  }

  private GitopsRemote(URIish uri, Optional<Path> localBare, Optional<UsernamePasswordCredentialsProvider> credentials,
      Optional<SshdSessionFactory> ssh, Path knownHostsFile, String tokenUser) {
    this.uri = uri;
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
    return new GitopsRemote(uri, localBare, credentials, ssh, hosts, tokenUser);
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

  /** Creates the dev-mode local remote on first use. */
  void ensureLocalRemoteExists(String branch) throws IOException {
    if (localBare.isEmpty() || Files.exists(localBare.get().resolve("HEAD"))) {
      return;
    }
    Files.createDirectories(localBare.get());
    try (Git git = Git.init().setBare(true).setDirectory(localBare.get().toFile()).setInitialBranch(branch).call()) {
      // a fresh empty repository; the writer pushes the skeleton into it
    } catch (GitAPIException e) {
      throw new IOException("cannot create the local gitops repository " + localBare.get() + ": " + e.getMessage(), e);
    }
  }

  Transport open(Repository local) throws IOException {
    Transport transport = Transport.open(local, uri);
    transport.setTimeout(60);
    if (transport instanceof SshTransport sshTransport) {
      JdkEd25519.register();
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

  /**
   * Ed25519 for Apache MINA sshd from the JDK (Java 15+). sshd 2.x parses and verifies Ed25519
   * keys only through net.i2p's eddsa or Bouncy Castle, neither of which is on our class path:
   * without this, an ed25519 client key and every server that offers an ed25519 host key (GitHub,
   * GitLab, any recent OpenSSH) fail with "EdDSA provider not supported". Registered only when
   * sshd has no EdDSA support of its own.
   */
  static final class JdkEd25519 implements EdDSASupport<EdECPublicKey, EdECPrivateKey> {
    private static final String ALGORITHM = "Ed25519";
    private static boolean registered;

    static synchronized void register() {
      if (registered) {
        return;
      }
      registered = true;
      if (!SecurityUtils.isEDDSACurveSupported()) {
        SecurityUtils.registerSecurityProvider(new Registrar());
      }
    }

    @Override
    public PublicKeyEntryDecoder<EdECPublicKey, EdECPrivateKey> getEDDSAPublicKeyEntryDecoder() {
      return new GenericEd25519PublicKeyDecoder<>(EdECPublicKey.class, EdECPrivateKey.class, this);
    }

    @Override
    public PrivateKeyEntryDecoder<EdECPublicKey, EdECPrivateKey> getOpenSSHEDDSAPrivateKeyEntryDecoder() {
      return new GenericOpenSSHEd25519PrivateKeyEntryDecoder<>(EdECPublicKey.class, EdECPrivateKey.class, this);
    }

    @Override
    public org.apache.sshd.common.signature.Signature getEDDSASigner() {
      return new GenericSignatureEd25519(ALGORITHM);
    }

    @Override
    public int getEDDSAKeySize(Key key) {
      return key instanceof EdECKey ? 256 : -1;
    }

    @Override
    public Class<EdECPublicKey> getEDDSAPublicKeyType() {
      return EdECPublicKey.class;
    }

    @Override
    public Class<EdECPrivateKey> getEDDSAPrivateKeyType() {
      return EdECPrivateKey.class;
    }

    @Override
    public boolean compareEDDSAPPublicKeys(PublicKey k1, PublicKey k2) {
      return k1 instanceof EdECPublicKey && k2 instanceof EdECPublicKey
          && Arrays.equals(k1.getEncoded(), k2.getEncoded());
    }

    @Override
    public boolean compareEDDSAPrivateKeys(PrivateKey k1, PrivateKey k2) {
      return k1 instanceof EdECPrivateKey && k2 instanceof EdECPrivateKey
          && Arrays.equals(k1.getEncoded(), k2.getEncoded());
    }

    /** The JDK derives the public key only when generating: generate from the private key's seed. */
    @Override
    public EdECPublicKey recoverEDDSAPublicKey(PrivateKey key) throws GeneralSecurityException {
      if (!(key instanceof EdECPrivateKey edKey) || edKey.getBytes().isEmpty()) {
        throw new InvalidKeyException("not an Ed25519 private key");
      }
      byte[] seed = edKey.getBytes().get();
      KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
      generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
        @Override
        public void nextBytes(byte[] bytes) {
          System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
      });
      return (EdECPublicKey) generator.generateKeyPair().getPublic();
    }

    @Override
    public EdECPublicKey generateEDDSAPublicKey(byte[] seed) throws GeneralSecurityException {
      return (EdECPublicKey) KeyFactory.getInstance(ALGORITHM).generatePublic(EdDSAUtils.createPublicKeySpec(seed));
    }

    @Override
    public EdECPrivateKey generateEDDSAPrivateKey(byte[] seed) throws GeneralSecurityException {
      return (EdECPrivateKey) KeyFactory.getInstance(ALGORITHM).generatePrivate(EdDSAUtils.createPrivateKeySpec(seed));
    }

    @Override
    public <B extends Buffer> B putRawEDDSAPublicKey(B buffer, PublicKey key) {
      try {
        buffer.putBytes(EdDSAUtils.getBytes(key));
      } catch (InvalidKeyException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      return buffer;
    }

    @Override
    public <B extends Buffer> B putEDDSAKeyPair(B buffer, PublicKey publicKey, PrivateKey privateKey) {
      throw new UnsupportedOperationException("writing Ed25519 key pairs is not needed by a Git client");
    }

    @Override
    public KeySpec createPublicKeySpec(EdECPublicKey key) {
      return new X509EncodedKeySpec(key.getEncoded());
    }

    @Override
    public KeySpec createPrivateKeySpec(EdECPrivateKey key) {
      return new PKCS8EncodedKeySpec(key.getEncoded());
    }

    @Override
    public byte[] getPublicKeyData(EdECPublicKey key) {
      try {
        return EdDSAUtils.getBytes(key);
      } catch (InvalidKeyException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    @Override
    public byte[] getPrivateKeyData(EdECPrivateKey key) throws IOException {
      try {
        return EdDSAUtils.getBytes(key);
      } catch (InvalidKeyException e) {
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public String getKeyFactoryAlgorithm() {
      return ALGORITHM;
    }

    /** Offers sshd nothing but the EdDSA support: every other algorithm stays where it was. */
    static final class Registrar extends AbstractSecurityProviderRegistrar {
      private static final JdkEd25519 SUPPORT = new JdkEd25519();

      Registrar() {
        super("JdkEd25519");
      }

      @Override
      public boolean isSupported() {
        try {
          KeyFactory.getInstance(ALGORITHM);
          Signature.getInstance(ALGORITHM);
          return true;
        } catch (NoSuchAlgorithmException e) {
          return false;
        }
      }

      @Override
      public String getProviderName() {
        return getSecurityProvider().getName();
      }

      @Override
      public Provider getSecurityProvider() {
        try {
          return KeyFactory.getInstance(ALGORITHM).getProvider();
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
      }

      @Override
      public boolean isNamedProviderUsed() {
        return false;
      }

      @Override
      public boolean isSecurityEntitySupported(Class<?> entityType, String name) {
        return false;
      }

      @Override
      public Optional<EdDSASupport<?, ?>> getEdDSASupport() {
        return Optional.of(SUPPORT);
      }
    }
  }
}

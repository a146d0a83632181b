package io.caprovisioner.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.caprovisioner.config.Config;
import io.caprovisioner.render.TestConfigs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSAUtils;
import org.eclipse.jgit.transport.CredentialItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of {@link GitopsRemote} that need no SSH or TLS server: the JDK's Ed25519 for sshd,
 * the provider that refuses unknown host keys, and the message for a refused token. (The tests'
 * class path has Bouncy Castle, which sshd would use for Ed25519; the service's has not, so the
 * JDK support is tested directly here.)
 */
class GitopsRemoteTest {
  @TempDir
  Path tmp;

  private static final JdkEd25519 ED = new JdkEd25519();

  @Test
  void readsAnOpenSshEd25519PublicKeyAsAJdkKey() throws Exception {
    // what ssh-keygen -t ed25519 writes to a .pub file or known_hosts (a throwaway test key)
    String line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICmnGLpSTGjKVfNTr0Q1ejGwpeThXJ/VgzXwo/c54hui test-only";
    byte[] blob = Base64.getDecoder().decode(line.split(" ")[1]);
    int typeLength = ByteBuffer.wrap(blob).getInt();
    EdECPublicKey key = ED.getEDDSAPublicKeyEntryDecoder().decodePublicKey(null, "ssh-ed25519",
        new ByteArrayInputStream(blob, 4 + typeLength, blob.length - 4 - typeLength), Map.of());

    assertThat(key.getAlgorithm()).isIn("EdDSA", "Ed25519");
    byte[] raw = ED.getPublicKeyData(key);
    assertThat(raw).hasSize(32);
    assertThat(raw).isEqualTo(java.util.Arrays.copyOfRange(blob, blob.length - 32, blob.length));
    assertThat(ED.putRawEDDSAPublicKey(new ByteArrayBuffer(), key).getCompactData()).isEqualTo(
        java.util.Arrays.copyOfRange(blob, blob.length - 36, blob.length));
  }

  @Test
  void readsAnOpenSshEd25519PrivateKeyAndSignsWithTheJdk() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] pub = EdDSAUtils.getBytes(pair.getPublic());
    byte[] seed = EdDSAUtils.getBytes(pair.getPrivate());
    // the private section of an OpenSSH key file after the key type: string pk, string sk (seed || pk)
    ByteArrayOutputStream section = new ByteArrayOutputStream();
    section.write(ByteBuffer.allocate(4).putInt(32).array());
    section.write(pub);
    section.write(ByteBuffer.allocate(4).putInt(64).array());
    section.write(seed);
    section.write(pub);

    EdECPrivateKey key = ED.getOpenSSHEDDSAPrivateKeyEntryDecoder().decodePrivateKey(null, "ssh-ed25519", null,
        new ByteArrayInputStream(section.toByteArray()));

    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(key);
    signer.update("session id".getBytes());
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(ED.generateEDDSAPublicKey(pub));
    verifier.update("session id".getBytes());
    assertThat(verifier.verify(signature)).isTrue();
    assertThat(ED.compareEDDSAPrivateKeys(key, pair.getPrivate())).isTrue();
  }

  @Test
  void recoversThePublicKeyFromThePrivateOne() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

    EdECPublicKey recovered = ED.recoverEDDSAPublicKey(pair.getPrivate());

    assertThat(ED.compareEDDSAPPublicKeys(recovered, pair.getPublic())).isTrue();
    assertThat(ED.getEDDSAKeySize(recovered)).isEqualTo(256);
  }

  @Test
  void theRegistrarOffersSshdOnlyEd25519() {
    JdkEd25519.Registrar registrar = new JdkEd25519.Registrar();

    assertThat(registrar.isSupported()).isTrue();
    assertThat(registrar.getEdDSASupport()).isPresent();
    assertThat(registrar.isSecurityEntitySupported(KeyFactory.class, "RSA")).isFalse();
    assertThat(registrar.isSecurityEntitySupported(Signature.class, "Ed25519")).isFalse();
    assertThat(registrar.isNamedProviderUsed()).isFalse();
  }

  @Test
  void refusesEveryQuestionAndKeepsIt() {
    List<GitopsRemote.Refusal> asked = new ArrayList<>();
    GitopsRemote.RefusingProvider provider = new GitopsRemote.RefusingProvider(asked);
    CredentialItem.InformationalMessage text = new CredentialItem.InformationalMessage(
        "The authenticity of host 'example.org' cannot be established.");
    CredentialItem.YesNoType accept = new CredentialItem.YesNoType("Accept and store this key?");
    accept.setValue(true);

    boolean answered = provider.get(null, text, accept);

    assertThat(answered).isFalse();
    assertThat(accept.getValue()).isFalse();
    assertThat(asked).singleElement().satisfies(r -> {
      assertThat(r.hostKey()).isTrue();
      assertThat(r.question()).contains("authenticity of host 'example.org'");
    });
    CredentialItem.Password passphrase = new CredentialItem.Password("Passphrase");
    assertThat(provider.get(null, passphrase)).isFalse();
    assertThat(passphrase.getValue()).isNull();
    assertThat(asked.get(1).hostKey()).isFalse();
  }

  @Test
  void aRefusedTokenFailsAtOnceWithUserAndTokenNamed() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger requests = new AtomicInteger();
    List<String> users = new ArrayList<>();
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth != null && auth.startsWith("Basic ")) {
        synchronized (users) {
          users.add(new String(Base64.getDecoder().decode(auth.substring(6))).split(":", 2)[0]);
        }
      }
      exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
      exchange.sendResponseHeaders(401, -1);
      exchange.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/org/gitops.git";
      Config config = TestConfigs.config(tmp.resolve("home"), Map.of("GITOPS_REPO_URL", url, "GIT_TOKEN", "wrong"));
      long start = System.nanoTime();
      try (GitopsRemote remote = GitopsRemote.of(config, Optional.empty());
          LocalClone clone = new LocalClone(tmp.resolve("clone.git"), remote, "main")) {
        assertThatThrownBy(clone::fetch).isInstanceOf(GitopsUnavailableException.class)
            .hasMessageContaining("not authorized")
            .hasMessageContaining("refused user 'x-access-token' with GIT_TOKEN")
            .hasMessageNotContaining("wrong");
      }
      assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
      assertThat(requests.get()).isBetween(1, 5);
      assertThat(users).isNotEmpty().containsOnly("x-access-token");
    } finally {
      server.stop(0);
    }
  }
}

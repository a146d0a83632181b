package io.caprovisioner.gitops;

import java.io.IOException;
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
import java.util.Arrays;
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

/**
 * Ed25519 for Apache MINA sshd from the JDK (Java 15+). sshd 2.x parses and verifies Ed25519
 * keys only through net.i2p's eddsa or Bouncy Castle, neither of which is on our class path:
 * without this, an ed25519 client key and every server that offers an ed25519 host key (GitHub,
 * GitLab, any recent OpenSSH) fail with "EdDSA provider not supported". Registered only when
 * sshd has no EdDSA support of its own.
 */
final class JdkEd25519 implements EdDSASupport<EdECPublicKey, EdECPrivateKey> {
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

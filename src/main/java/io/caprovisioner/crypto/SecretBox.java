package io.caprovisioner.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the secrets kept for recovery (tenant MySQL password, CollectiveAccess admin password)
 * with AES-256-GCM under a key derived from SECRET_KEY. SECRET_KEY may hold several keys,
 * comma-separated, so it can be rotated: the first seals, every one opens.
 *
 * <p>Output: {@code v2:<key id>:} + base64(nonce | ciphertext+tag), the key id (8 hex digits of a
 * hash of the key, not of the derived AES key) bound as associated data, so a value names the key
 * it needs and {@code secrets rotate} can tell what is left to re-seal. Values of the first version,
 * {@code v1:} + base64(...) without a key id, still open: every key is tried.
 */
public final class SecretBox {
  private static final String LEGACY_PREFIX = "v1:";
  private static final String PREFIX = "v2:";
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();
  private final List<Key> keys;

  private record Key(String id, SecretKeySpec aes) {
  }

  /** @param secretKeys SECRET_KEY: one key, or several comma-separated, the sealing one first */
  public SecretBox(String secretKeys) {
    List<String> list = keys(secretKeys);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("SECRET_KEY holds no key");
    }
    List<Key> derived = new ArrayList<>();
    for (String k : list) {
      derived.add(new Key(keyId(k), new SecretKeySpec(sha256("ca-provisioner/secretbox/v1:" + k), "AES")));
    }
    this.keys = List.copyOf(derived);
  }

  /** The keys in a SECRET_KEY value, in order. */
  public static List<String> keys(String secretKeys) {
    return secretKeys == null ? List.of()
        : Arrays.stream(secretKeys.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** A key's public name in sealed values: safe to print, it reveals nothing usable about the key. */
  public static String keyId(String secretKey) {
    return HexFormat.of().formatHex(sha256("ca-provisioner/secretbox/key-id:" + secretKey), 0, 4);
  }

  /** The id of the key that seals. */
  public String sealingKeyId() {
    return keys.get(0).id();
  }

  public String seal(String plaintext) {
    Key key = keys.get(0);
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key.aes(), new GCMParameterSpec(128, nonce));
      cipher.updateAAD(header(key.id()).getBytes(StandardCharsets.US_ASCII));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return header(key.id()) + Base64.getEncoder().encodeToString(
          ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  /** @throws IllegalArgumentException when no configured key opens the value (or it was altered) */
  public String open(String sealed) {
    if (sealed != null && sealed.startsWith(PREFIX)) {
      int colon = sealed.indexOf(':', PREFIX.length());
      String id = colon < 0 ? "" : sealed.substring(PREFIX.length(), colon);
      Key key = keys.stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow(() ->
          new IllegalArgumentException("sealed with key " + id + ", which is not among SECRET_KEY's keys ("
              + String.join(", ", keys.stream().map(Key::id).toList()) + ")"));
      try {
        return decrypt(key, sealed.substring(colon + 1), header(id));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot decrypt with key " + id + ": altered value");
      }
    }
    if (sealed == null || !sealed.startsWith(LEGACY_PREFIX)) {
      throw new IllegalArgumentException("not a sealed value");
    }
    for (Key key : keys) {
      try {
        return decrypt(key, sealed.substring(LEGACY_PREFIX.length()), null);
      } catch (GeneralSecurityException | IllegalArgumentException wrongKey) {
        // an untagged value says not which key: try the next
      }
    }
    throw new IllegalArgumentException("cannot decrypt: none of SECRET_KEY's keys opens it, or it was altered");
  }

  /** True when the value is sealed with the first key, so rotating it again would change nothing. */
  public boolean isSealedWithSealingKey(String sealed) {
    return sealed != null && sealed.startsWith(header(sealingKeyId()));
  }

  /** The value sealed with the first key; itself when it already is. */
  public String reseal(String sealed) {
    return isSealedWithSealingKey(sealed) ? sealed : seal(open(sealed));
  }

  private static String header(String keyId) {
    return PREFIX + keyId + ":";
  }

  private static String decrypt(Key key, String base64, String aad) throws GeneralSecurityException {
    byte[] all = Base64.getDecoder().decode(base64);
    if (all.length <= NONCE_BYTES) {
      throw new IllegalArgumentException("too short");
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key.aes(), new GCMParameterSpec(128, all, 0, NONCE_BYTES));
    if (aad != null) {
      cipher.updateAAD(aad.getBytes(StandardCharsets.US_ASCII));
    }
    return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A random password of URL-safe characters, suitable for MySQL and CollectiveAccess. */
  public static String randomPassword(int length) {
    final String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}

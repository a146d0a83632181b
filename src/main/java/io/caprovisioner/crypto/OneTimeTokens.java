package io.caprovisioner.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Tokens for one-time links: 256 random bits, URL-safe; only their SHA-256 is ever stored, so
 * what the database holds cannot be turned back into a working link.
 */
public final class OneTimeTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int BYTES = 32;

  private OneTimeTokens() {
  }

  public static String generate() {
    byte[] b = new byte[BYTES];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** What is stored and looked up: the hex SHA-256 of the token's text. */
  public static String sha256Hex(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token has exactly the shape {@link #generate} makes: anything else is not looked up at all. */
  public static boolean wellFormed(String token) {
    return token != null && token.length() == 43 && token.chars().allMatch(c -> Character.isLetterOrDigit(c)
        && c < 128 || c == '-' || c == '_');
  }
}

package io.caprovisioner.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed, expiring tokens of {@code /billing/{token}} links in messages: the tenant and an
 * expiry, signed with HMAC-SHA256 under a key derived from SECRET_KEY (the first key signs, every
 * configured key verifies, so a rotation keeps links sent before it working). Nothing is stored.
 */
public final class BillingLinks {
  private static final byte[] CONTEXT = "ca-provisioner billing link v1".getBytes(StandardCharsets.UTF_8);
  private static final int MAC_BYTES = 32;
  private final List<byte[]> keys;

  public BillingLinks(String secretKeys) {
    this.keys = SecretBox.keys(secretKeys).stream().map(BillingLinks::derive).toList();
  }

  /** What a presented token is. */
  public sealed interface Verdict {
    record Valid(long tenantId) implements Verdict {
    }

    /** Signed by us, but too old. */
    record Expired(long tenantId, Instant expiredAt) implements Verdict {
    }

    /** Not one of ours: altered, truncated or made up. */
    record Invalid() implements Verdict {
    }
  }

  public String sign(long tenantId, Instant expiresAt) {
    ByteBuffer body = ByteBuffer.allocate(16).putLong(tenantId).putLong(expiresAt.getEpochSecond());
    byte[] payload = body.array();
    ByteBuffer out = ByteBuffer.allocate(payload.length + MAC_BYTES).put(payload).put(mac(keys.get(0), payload));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
  }

  public Verdict verify(String token, Instant now) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return new Verdict.Invalid();
    }
    if (raw.length != 16 + MAC_BYTES) {
      return new Verdict.Invalid();
    }
    byte[] payload = java.util.Arrays.copyOf(raw, 16);
    byte[] given = java.util.Arrays.copyOfRange(raw, 16, raw.length);
    Optional<byte[]> match = keys.stream().filter(k -> MessageDigest.isEqual(mac(k, payload), given)).findFirst();
    if (match.isEmpty()) {
      return new Verdict.Invalid();
    }
    ByteBuffer b = ByteBuffer.wrap(payload);
    long tenantId = b.getLong();
    Instant expires = Instant.ofEpochSecond(b.getLong());
    return now.isBefore(expires) ? new Verdict.Valid(tenantId) : new Verdict.Expired(tenantId, expires);
  }

  /** A key of its own for links, so a signature never doubles as anything sealed with SECRET_KEY. */
  private static byte[] derive(String secretKey) {
    return mac(secretKey.getBytes(StandardCharsets.UTF_8), CONTEXT);
  }

  private static byte[] mac(byte[] key, byte[] data) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

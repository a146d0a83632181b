package io.caprovisioner.stripe;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs like Stripe, written independently of the code under test: HMAC-SHA256 over "t.body". */
final class TestSigner {
  private TestSigner() {
  }

  static String header(String secret, long t, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] prefix = (t + ".").getBytes(StandardCharsets.UTF_8);
      byte[] signed = new byte[prefix.length + body.length];
      System.arraycopy(prefix, 0, signed, 0, prefix.length);
      System.arraycopy(body, 0, signed, prefix.length, body.length);
      StringBuilder hex = new StringBuilder();
      for (byte b : mac.doFinal(signed)) {
        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return "t=" + t + ",v1=" + hex;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }
}

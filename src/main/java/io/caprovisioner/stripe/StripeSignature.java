package io.caprovisioner.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies the {@code Stripe-Signature} header with stripe-java against every configured secret
 * (several during a rotation), and signs payloads the same way Stripe does (for the CLI and
 * tests).
 */
public final class StripeSignature {
  /** Stripe's own default: a signed request older than this is a replay. */
  public static final long TOLERANCE_SECONDS = 300;

  private final List<String> secrets;

  public StripeSignature(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no webhook secret configured");
    }
    this.secrets = List.copyOf(secrets);
  }

  /** Why a request was refused; never contains the body. */
  public static final class Rejected extends Exception {
    public Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * @param payload the raw body, already checked to be UTF-8: stripe-java signs the String's UTF-8
   *                bytes, so the round trip is exact
   * @throws Rejected when no secret verifies the header, or it is stale or malformed
   */
  public void verify(String payload, String header) throws Rejected {
    if (header == null || header.isBlank()) {
      throw new Rejected("missing Stripe-Signature header");
    }
    String reason = null;
    for (String secret : secrets) {
      try {
        Webhook.Signature.verifyHeader(payload, header, secret, TOLERANCE_SECONDS);
        return;
      } catch (SignatureVerificationException e) {
        // stripe-java checks the timestamp only after a signature matched: a stale one is the
        // more useful reason to report, whichever secret it came from
        if (reason == null || e.getMessage().contains("tolerance")) {
          reason = e.getMessage();
        }
      } catch (RuntimeException e) {
        // stripe-java's header parser throws on e.g. "t=abc" or a part without '='
        throw new Rejected("malformed Stripe-Signature header");
      }
    }
    throw new Rejected("signature verification failed: " + reason);
  }

  /** {@code t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret's UTF-8>}, as Stripe sends. */
  public static String header(byte[] body, String secret, long timestamp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}

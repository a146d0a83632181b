package io.caprovisioner.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Turns a stored raw body (verified when it was received) into stripe-java's {@link Event}.
 *
 * <p>Why through {@link Webhook#constructEvent}: stripe-java declares Gson as a runtime-only
 * dependency, so code compiled against it cannot call the parsers whose overloads take Gson
 * types ({@code ApiResource.GSON}, {@code StripeObject.deserializeStripeObject}), and 31.1.0 has
 * no {@code constructEventWithoutVerification}. {@code constructEvent} is the Gson-free entry
 * point; the body is signed here with a key that lives only in this process, and no age limit.
 * With Gson on the compile classpath this class becomes {@code ApiResource.GSON.fromJson}.
 */
final class StoredEventParser {
  private static final String KEY = "whsec_local_" + HexFormat.of().formatHex(randomBytes());

  private StoredEventParser() {
  }

  static Event parse(String payload) {
    String header = StripeSignature.header(payload.getBytes(StandardCharsets.UTF_8), KEY, 1);
    try {
      return Webhook.constructEvent(payload, header, KEY, 0);
    } catch (SignatureVerificationException e) {
      throw new IllegalStateException("re-signing a stored event failed", e);
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return b;
  }
}

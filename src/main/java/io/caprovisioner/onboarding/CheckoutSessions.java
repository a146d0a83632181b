package io.caprovisioner.onboarding;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import io.caprovisioner.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Stripe Checkout Sessions through stripe-java (blocking, so on a worker thread): created for a
 * signup, and looked up for an id the welcome page has not seen yet.
 */
public final class CheckoutSessions {
  /** Stripe substitutes the session's id here in the success URL. */
  static final String SESSION_PLACEHOLDER = "{CHECKOUT_SESSION_ID}";

  private final Vertx vertx;
  private final StripeClient client;
  private final Config.Brand brand;

  public CheckoutSessions(Vertx vertx, StripeClient client, Config.Brand brand) {
    this.vertx = vertx;
    this.client = client;
    this.brand = brand;
  }

  /** What a Checkout Session looked up at Stripe says. */
  public enum Known { COMPLETE, OPEN, UNKNOWN }

  /** Stripe answered with an error: the customer is told to try again, nothing is stored. */
  static final class CheckoutFailed extends RuntimeException {
    CheckoutFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Creates the session and returns the Checkout page's URL to send the browser to. */
  Future<String> create(SignupRequest request, String priceId) {
    SessionCreateParams.Builder params = SessionCreateParams.builder()
        .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
        .addLineItem(SessionCreateParams.LineItem.builder().setPrice(priceId).setQuantity(1L).build())
        .setCustomerEmail(request.email())
        .putMetadata("plan", request.plan())
        .setClientReferenceId(request.token())
        .setSuccessUrl(brand.publicUrl() + "/welcome?session_id=" + SESSION_PLACEHOLDER)
        .setCancelUrl(brand.publicUrl() + "/signup?plan=" + URLEncoder.encode(request.plan(), StandardCharsets.UTF_8)
            + request.name().map(n -> "&name=" + URLEncoder.encode(n, StandardCharsets.UTF_8)).orElse(""));
    // Stripe deletes a metadata key set to "": only a name actually asked for is sent
    request.name().ifPresent(n -> params.putMetadata("requested_name", n));
    RequestOptions options = RequestOptions.builder().setIdempotencyKey(idempotencyKey(request, priceId)).build();
    return vertx.executeBlocking(() -> {
      try {
        Session session = client.v1().checkout().sessions().create(params.build(), options);
        if (session.getUrl() == null) {
          throw new CheckoutFailed("Stripe created checkout session " + session.getId() + " without a URL", null);
        }
        return session.getUrl();
      } catch (StripeException e) {
        throw new CheckoutFailed("Stripe refused to create a checkout session: " + e.getMessage(), e);
      }
    }, false);
  }

  /**
   * The same form submitted twice (a double click, a reload) gets the same session; the same form
   * changed after an error is another request, and must not reuse a key Stripe bound to other
   * parameters.
   */
  static String idempotencyKey(SignupRequest r, String priceId) {
    String params = String.join("\n", r.email(), r.plan(), r.name().orElse(""), priceId);
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(params.getBytes(StandardCharsets.UTF_8));
      return "signup-" + r.token() + "-" + HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For the welcome page: does Stripe know this session, and is it paid? */
  Future<Known> lookup(String sessionId) {
    return vertx.executeBlocking(() -> {
      try {
        Session s = client.v1().checkout().sessions().retrieve(sessionId);
        return "complete".equals(s.getStatus()) ? Known.COMPLETE : Known.OPEN;
      } catch (InvalidRequestException e) {
        if (Optional.ofNullable(e.getStatusCode()).orElse(0) == 404) {
          return Known.UNKNOWN;
        }
        throw new CheckoutFailed("Stripe: looking up a checkout session failed: " + e.getMessage(), e);
      } catch (StripeException e) {
        throw new CheckoutFailed("Stripe: looking up a checkout session failed: " + e.getMessage(), e);
      }
    }, false);
  }
}

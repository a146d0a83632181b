package io.caprovisioner.app;

import io.caprovisioner.onboarding.CheckoutTestPayment;
import io.caprovisioner.onboarding.SignupRequest;
import io.caprovisioner.stripe.StripeEventFactory;
import io.caprovisioner.stripe.StripeSignature;
import io.caprovisioner.stripe.StripeWebhookHandler;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The dev test payment: builds the {@code checkout.session.completed} a paid Checkout Session
 * would cause (its id, {@code metadata.plan} and {@code requested_name}, the form's token as
 * {@code client_reference_id}), signs it with the webhook secret as Stripe does and posts it to
 * the service's own webhook over loopback, so it takes exactly the path of a real payment.
 */
final class CheckoutTestPaymentSender implements CheckoutTestPayment {
  private final WebClient http;
  private final String webhookSecret;
  private final IntSupplier port;

  /** @param port the port the service listens on, known once it does */
  CheckoutTestPaymentSender(WebClient http, String webhookSecret, IntSupplier port) {
    this.http = http;
    this.webhookSecret = webhookSecret;
    this.port = port;
  }

  @Override
  public Future<Void> complete(String sessionId, SignupRequest request) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject metadata = new JsonObject().put("plan", request.plan());
    request.name().ifPresent(n -> metadata.put("requested_name", n));
    JsonObject event = StripeEventFactory.checkoutCompleted(sessionId, request.email(), metadata,
        Optional.of(request.token()), StripeEventFactory.id("cus"), StripeEventFactory.id("sub"), now);
    event.getJsonObject("data").getJsonObject("object").put("customer_email", request.email());
    byte[] body = event.encodePrettily().getBytes(StandardCharsets.UTF_8);
    return http.post(port.getAsInt(), "127.0.0.1", StripeWebhookHandler.PATH)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Stripe-Signature", StripeSignature.header(body, webhookSecret, now))
        .putHeader("User-Agent", "ca-provisioner test payment")
        .sendBuffer(Buffer.buffer(body))
        .compose(r -> r.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
            : Future.failedFuture("the webhook answered HTTP " + r.statusCode()));
  }
}

package io.caprovisioner.stripe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts a body to a webhook endpoint signed as Stripe signs it (for the CLI and the benchmark). */
public final class WebhookSender {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String secret;

  public WebhookSender(String secret) {
    this.secret = secret;
  }

  public HttpResponse<String> send(URI endpoint, byte[] body) throws IOException, InterruptedException {
    String signature = StripeSignature.header(body, secret, System.currentTimeMillis() / 1000);
    HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Stripe-Signature", signature)
        .header("User-Agent", "ca-provisioner stripe")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}

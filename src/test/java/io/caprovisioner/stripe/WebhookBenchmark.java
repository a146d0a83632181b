package io.caprovisioner.stripe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Ingestion latency: posts N signed, distinct checkout events one after another to a running
 * service and prints the median and p99 round trip (verify, store, commit, answer; the job is queued after).
 *
 * <pre>
 * java -cp target/test-classes:target/ca-provisioner.jar io.caprovisioner.stripe.WebhookBenchmark \
 *     [N=2000] [URL=http://localhost:8000] [SECRET=$STRIPE_WEBHOOK_SECRET]
 * </pre>
 * Without a URL argument it starts the service in-process on the embedded test PostgreSQL.
 */
public final class WebhookBenchmark {
  private WebhookBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    StripeTestService local = null;
    String url;
    String secret;
    if (args.length > 1) {
      url = args[1].replaceAll("/+$", "");
      secret = args.length > 2 ? args[2] : System.getenv("STRIPE_WEBHOOK_SECRET");
    } else {
      local = new StripeTestService(java.util.Map.of());
      url = local.uri("").toString();
      secret = StripeTestService.SECRET;
    }
    try {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI endpoint = URI.create(url + StripeWebhookHandler.PATH);
      int warmup = Math.min(500, n / 4);
      long[] nanos = new long[n];
      int size = 0;
      for (int i = -warmup; i < n; i++) {
        byte[] body = StripeEventFactory.checkoutCompleted("bench" + i + "@example.org", Optional.of("pro"),
            StripeEventFactory.id("cus"), StripeEventFactory.id("sub"), System.currentTimeMillis() / 1000)
            .encodePrettily().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Stripe-Signature", TestSigner.header(secret, System.currentTimeMillis() / 1000, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        size = body.length;
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - start;
        if (r.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.body());
        }
        if (i >= 0) {
          nanos[i] = took;
        }
      }
      Arrays.sort(nanos);
      System.out.printf("%d signed webhook posts (%d-byte events, after %d warm-up): median %.2f ms, p99 %.2f ms, "
              + "max %.2f ms%n", n, size, warmup, nanos[n / 2] / 1e6, nanos[(int) Math.ceil(n * 0.99) - 1] / 1e6,
          nanos[n - 1] / 1e6);
    } finally {
      if (local != null) {
        local.close();
      }
    }
  }
}

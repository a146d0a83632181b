package io.caprovisioner.faults;

import io.caprovisioner.stripe.StripeEventFactory;
import io.caprovisioner.stripe.StripeEventTypes;
import io.caprovisioner.stripe.WebhookSender;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * Stripe as it delivers during an outage: a few senders post unique signed events without
 * pause, each answer recorded (status, when, how long it took). The service's port is read per
 * post, so a restarted service on a new port is found.
 */
final class WebhookStream implements AutoCloseable {
  /** One delivery: the event, the HTTP status (0: no answer, connection refused or reset). */
  record Delivery(String eventId, int status, long sentAtMs, long tookMs) {
    boolean acked() {
      return status == 200;
    }
  }

  private final ExecutorService senders;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();

  WebhookStream(String secret, IntSupplier port, int concurrency) {
    senders = Executors.newFixedThreadPool(concurrency);
    WebhookSender sender = new WebhookSender(secret);
    for (int i = 0; i < concurrency; i++) {
      senders.submit(() -> {
        while (running.get()) {
          String subscription = StripeEventFactory.id("sub");
          var event = StripeEventFactory.subscriptionEvent(StripeEventTypes.SUBSCRIPTION_UPDATED, subscription,
              StripeEventFactory.id("cus"), "active", "price_pro", Instant.now().getEpochSecond());
          String id = event.getString("id");
          long t0 = System.currentTimeMillis();
          int status;
          try {
            status = sender.send(URI.create("http://127.0.0.1:" + port.getAsInt() + "/webhooks/stripe"),
                event.encode().getBytes(StandardCharsets.UTF_8)).statusCode();
          } catch (Exception e) {
            status = 0;
            sleep(50);
          }
          deliveries.add(new Delivery(id, status, t0, System.currentTimeMillis() - t0));
        }
        return null;
      });
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    senders.shutdown();
    senders.awaitTermination(60, TimeUnit.SECONDS);
  }
}

package io.caprovisioner.bench;

import io.caprovisioner.stripe.StripeEventFactory;
import io.caprovisioner.stripe.StripeSignature;
import io.caprovisioner.stripe.StripeWebhookHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator every webhook figure shares: {@code concurrency} clients in a closed loop,
 * each posting a new, unique, signed {@code checkout.session.completed} as soon as the last one
 * was answered, for a warm-up and then a measured window. Building and signing an event costs the
 * same for every handler it is pointed at.
 */
final class WebhookLoad implements AutoCloseable {
  /** What one measured window gave. */
  record Result(long requests, double perSecond, double p50Millis, double p99Millis) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final String secret;
  private final int concurrency;
  private final AtomicLong sequence = new AtomicLong();

  WebhookLoad(String secret, int concurrency) {
    this.secret = secret;
    this.concurrency = concurrency;
  }

  /** Posts to {@code 127.0.0.1:port} for {@code warmup}, then measures for {@code window}. */
  Result run(int port, Duration warmup, Duration window) throws Exception {
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(concurrency));
    try {
      Window warm = new Window(System.nanoTime() + warmup.toNanos(), 0);
      drive(http, port, warm);
      Window measured = new Window(System.nanoTime() + window.toNanos(), 2_000_000);
      long started = System.nanoTime();
      drive(http, port, measured);
      double seconds = (System.nanoTime() - started) / 1e9;
      long[] nanos = measured.latencies();
      Arrays.sort(nanos);
      if (nanos.length == 0) {
        throw new IllegalStateException("no request was answered");
      }
      return new Result(nanos.length, nanos.length / seconds, nanos[nanos.length / 2] / 1e6,
          nanos[(int) Math.ceil(nanos.length * 0.99) - 1] / 1e6);
    } finally {
      http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A checkout as posted: its ids, to follow it, and its body. */
  record Checkout(String eventId, String subscriptionId, byte[] body) {
  }

  /** One checkout, new each call; the bench's service needs nothing else to apply it. */
  Checkout nextCheckout() {
    long n = sequence.incrementAndGet();
    String subscription = StripeEventFactory.id("sub");
    io.vertx.core.json.JsonObject event = StripeEventFactory.checkoutCompleted("bench" + n + "@example.org",
        Optional.of(BenchService.PLAN), StripeEventFactory.id("cus"), subscription, System.currentTimeMillis() / 1000);
    return new Checkout(event.getString("id"), subscription,
        event.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Posts one body and completes with the answer's status. */
  Future<Integer> post(HttpClientAgent http, int port, byte[] body) {
    String signature = StripeSignature.header(body, secret, System.currentTimeMillis() / 1000);
    return http.request(HttpMethod.POST, port, "127.0.0.1", StripeWebhookHandler.PATH)
        .compose(req -> req.putHeader("Content-Type", "application/json; charset=utf-8")
            .putHeader("Stripe-Signature", signature).send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()));
  }

  HttpClientAgent client() {
    return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(concurrency));
  }

  private void drive(HttpClientAgent http, int port, Window window) throws Exception {
    Promise<Void> all = Promise.promise();
    AtomicLong running = new AtomicLong(concurrency);
    vertx.runOnContext(v -> {
      for (int i = 0; i < concurrency; i++) {
        loop(http, port, window, running, all);
      }
    });
    all.future().toCompletionStage().toCompletableFuture().get(window.remainingSeconds() + 60, TimeUnit.SECONDS);
  }

  private void loop(HttpClientAgent http, int port, Window window, AtomicLong running, Promise<Void> all) {
    if (System.nanoTime() >= window.end) {
      if (running.decrementAndGet() == 0) {
        all.tryComplete();
      }
      return;
    }
    byte[] body = nextCheckout().body();
    long started = System.nanoTime();
    post(http, port, body).onComplete(ar -> {
      if (ar.failed() || ar.result() != 200) {
        all.tryFail(new IllegalStateException("a webhook was not acknowledged: "
            + (ar.failed() ? ar.cause().toString() : "HTTP " + ar.result())));
        return;
      }
      window.record(System.nanoTime() - started);
      loop(http, port, window, running, all);
    });
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A time window and the latencies answered in it (all on the generator's one event loop). */
  private static final class Window {
    final long end;
    private long[] latencies;
    private int size;

    Window(long end, int capacity) {
      this.end = end;
      this.latencies = new long[capacity];
    }

    void record(long nanos) {
      if (size < latencies.length) {
        latencies[size++] = nanos;
      }
    }

    long[] latencies() {
      return Arrays.copyOf(latencies, size);
    }

    long remainingSeconds() {
      return Math.max(0, (end - System.nanoTime()) / 1_000_000_000);
    }
  }
}

package io.caprovisioner.onboarding;

import io.caprovisioner.stripe.StripeEventFactory;
import io.caprovisioner.stripe.StripeEventTypes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Stripe's API as far as signup uses it, on a local port (STRIPE_API_BASE): it records every
 * {@code POST /v1/checkout/sessions} exactly as stripe-java sent it (form parameters and
 * Idempotency-Key), answers sessions by id, and serves subscriptions as active on one price.
 */
final class FakeStripeCheckout implements AutoCloseable {
  record Created(Map<String, String> params, String idempotencyKey, String sessionId) {
  }

  final List<Created> created = new CopyOnWriteArrayList<>();
  final Map<String, JsonObject> sessions = new ConcurrentHashMap<>();
  private final String priceId;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  FakeStripeCheckout(String priceId) {
    this.priceId = priceId;
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> handle(req,
        body.toString(StandardCharsets.UTF_8))));
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void handle(HttpServerRequest req, String body) {
    String path = req.path();
    if (req.method().name().equals("POST") && path.equals("/v1/checkout/sessions")) {
      Map<String, String> params = decode(body);
      String key = req.getHeader("Idempotency-Key");
      Created earlier = created.stream().filter(c -> c.idempotencyKey().equals(key)).findFirst().orElse(null);
      String id = earlier != null ? earlier.sessionId() : StripeEventFactory.id("cs_test");
      created.add(new Created(params, key, id));
      JsonObject session = new JsonObject().put("id", id).put("object", "checkout.session")
          .put("mode", params.get("mode")).put("status", "open")
          .put("url", "https://checkout.stripe.com/c/pay/" + id);
      sessions.put(id, session);
      ok(req, session);
    } else if (path.startsWith("/v1/checkout/sessions/") && sessions.containsKey(path.substring(22))) {
      ok(req, sessions.get(path.substring(22)));
    } else if (path.startsWith("/v1/subscriptions/")) {
      String id = path.substring("/v1/subscriptions/".length());
      ok(req, StripeEventFactory.subscriptionEvent(StripeEventTypes.SUBSCRIPTION_UPDATED, id, "cus_fake", "active",
          priceId, System.currentTimeMillis() / 1000).getJsonObject("data").getJsonObject("object"));
    } else {
      req.response().setStatusCode(404).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", new JsonObject().put("type", "invalid_request_error")
              .put("message", "No such resource: " + path)).encode());
    }
  }

  /** The session is paid: Stripe now answers it as complete. */
  void complete(String sessionId) {
    sessions.get(sessionId).put("status", "complete");
  }

  private static void ok(HttpServerRequest req, JsonObject body) {
    req.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static Map<String, String> decode(String body) {
    Map<String, String> out = new TreeMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    vertx.close();
  }
}

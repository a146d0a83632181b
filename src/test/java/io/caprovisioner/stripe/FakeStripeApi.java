package io.caprovisioner.stripe;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Stripe's {@code GET /v1/subscriptions/{id}}, served from a map the test changes. */
final class FakeStripeApi implements AutoCloseable {
  final Map<String, JsonObject> subscriptions = new ConcurrentHashMap<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  volatile boolean down;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  FakeStripeApi() {
    server = vertx.createHttpServer().requestHandler(req -> {
      authorizations.add(String.valueOf(req.getHeader("Authorization")));
      String prefix = "/v1/subscriptions/";
      JsonObject sub = req.path().startsWith(prefix) ? subscriptions.get(req.path().substring(prefix.length())) : null;
      if (down) {
        req.response().setStatusCode(500).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", new JsonObject().put("type", "api_error")
                .put("message", "fake outage")).encode());
      } else if (sub == null) {
        req.response().setStatusCode(404).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", new JsonObject().put("type", "invalid_request_error")
                .put("message", "No such subscription")).encode());
      } else {
        req.response().putHeader("Content-Type", "application/json").end(sub.encode());
      }
    });
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The subscription object as the API returns it (the data.object of a subscription event). */
  void set(String subscriptionId, String customerId, String status, String priceId) {
    subscriptions.put(subscriptionId, StripeEventFactory.subscriptionEvent(StripeEventTypes.SUBSCRIPTION_UPDATED,
        subscriptionId, customerId, status, priceId, TestSigner.now()).getJsonObject("data").getJsonObject("object"));
  }

  @Override
  public void close() {
    vertx.close();
  }
}

package io.caprovisioner.bench;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.caprovisioner.stripe.StripeEventEnvelope;
import io.caprovisioner.stripe.StripeSignature;
import io.caprovisioner.stripe.StripeWebhookHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The limit the service's webhook is measured against: a bare Vert.x server and pool that
 * verifies the signature, reads the envelope and does one {@code INSERT ... ON CONFLICT} into a
 * copy of {@code stripe_events} (same columns and indexes), with as many connections as the
 * service's acknowledgement pool. No routing, logging, metrics or relay.
 */
final class LimitHandler implements AutoCloseable {
  static final String TABLE = "bench_limit_events";

  private final Vertx vertx = Vertx.vertx();
  private final Pool pool;
  private final StripeSignature signature;
  private HttpServer server;

  LimitHandler(DatabaseUrl url, String secret) {
    this.pool = Database.pool(vertx, url, StripeWebhookHandler.CONNECTIONS, "bench-limit");
    this.signature = new StripeSignature(List.of(secret));
  }

  /** Creates the table and listens on a free port; returns it. */
  int start() throws Exception {
    pool.query("CREATE TABLE IF NOT EXISTS " + TABLE + " (LIKE stripe_events INCLUDING ALL)").execute()
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String text = body.toString(StandardCharsets.UTF_8);
      StripeEventEnvelope event;
      try {
        signature.verify(text, req.getHeader("Stripe-Signature"));
        event = StripeEventEnvelope.parse(body);
      } catch (StripeSignature.Rejected | IllegalArgumentException e) {
        req.response().setStatusCode(400).end();
        return;
      }
      pool.preparedQuery("INSERT INTO " + TABLE + " (id, type, api_version, created, livemode, payload) "
              + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id")
          .execute(Tuple.of(event.id(), event.type(), event.apiVersion(), event.created(), event.livemode(), text))
          .onSuccess(rows -> req.response().putHeader("Content-Type", "application/json")
              .end("{\"received\":true,\"duplicate\":" + (rows.size() == 0) + "}"))
          .onFailure(e -> req.response().setStatusCode(500).end());
    })).listen(0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

package io.caprovisioner.app;

import io.caprovisioner.metrics.MetricsEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The management port (MANAGEMENT_PORT): {@code /metrics} for Prometheus, on a listener of its own
 * so the chart exposes it inside the cluster only while the public port keeps the API and webhooks.
 * It stays up through the drain, so the last figures of a stopping replica are still scraped.
 */
final class ManagementServer {
  private final Vertx vertx;
  private final Router router;
  private HttpServer server;

  ManagementServer(Vertx vertx, MetricsEndpoint metrics) {
    this.vertx = vertx;
    this.router = Router.router(vertx);
    router.get("/metrics").handler(metrics);
  }

  Future<Integer> listen(int port) {
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("0.0.0.0")).requestHandler(router)
        .listen().map(s -> {
          server = s;
          return s.actualPort();
        });
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}

package io.caprovisioner.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in Prometheus' text format: the fleet gauges are read from PostgreSQL first,
 * so a scrape sees the database as it is. When the database does not answer the scrape still
 * succeeds, with the last figures (and the pool's and HTTP metrics that show why).
 */
public final class MetricsEndpoint implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final FleetGauges fleet;

  public MetricsEndpoint(PrometheusMeterRegistry registry, FleetGauges fleet) {
    this.registry = registry;
    this.fleet = fleet;
  }

  @Override
  public void handle(RoutingContext ctx) {
    fleet.refresh().onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("metrics: reading the fleet from PostgreSQL failed, serving the last figures: {}",
            ar.cause().getMessage());
      }
      ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(registry.scrape());
    });
  }
}

package io.caprovisioner.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/**
 * The one metrics registry and the Vert.x instance that reports into it: HTTP server requests by
 * method, route template and status code (never the raw path, which carries ids), the PostgreSQL
 * pool, the JVM.
 */
final class Observability {
  private Observability() {
  }

  static PrometheusMeterRegistry registry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Background work's instance; it reports the JVM too. */
  static Vertx vertx(PrometheusMeterRegistry registry) {
    return build(registry, new VertxOptions(), true);
  }

  /**
   * The public port's instance: event loops of its own, so an acknowledgement never queues behind
   * a job's callback on a shared loop. Two are enough for the server's loop and its pools'.
   */
  static Vertx httpVertx(PrometheusMeterRegistry registry) {
    return build(registry, new VertxOptions().setEventLoopPoolSize(HTTP_EVENT_LOOPS).setWorkerPoolSize(4), false);
  }

  private static final int HTTP_EVENT_LOOPS = 2;

  private static Vertx build(PrometheusMeterRegistry registry, VertxOptions options, boolean jvm) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(jvm)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_ROUTE, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
    return Vertx.builder().with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }
}

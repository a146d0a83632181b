package io.caprovisioner.app;

import io.caprovisioner.jobs.ForegroundLoad;
import io.caprovisioner.stripe.WebhookObserver;
import java.time.Duration;

/** Tells the metrics of each webhook answered, and counts it into the load background work yields to. */
final class ForegroundCounting implements WebhookObserver {
  private final WebhookObserver metrics;
  private final ForegroundLoad load;

  ForegroundCounting(WebhookObserver metrics, ForegroundLoad load) {
    this.metrics = metrics;
    this.load = load;
  }

  @Override
  public void acknowledged(String eventType, boolean duplicate, Duration took) {
    load.answered(took.toNanos());
    metrics.acknowledged(eventType, duplicate, took);
  }

  @Override
  public void refused(String reason) {
    load.answered(0);
    metrics.refused(reason);
  }
}

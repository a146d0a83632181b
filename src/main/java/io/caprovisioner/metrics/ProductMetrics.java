package io.caprovisioner.metrics;

import io.caprovisioner.gitops.PushObserver;
import io.caprovisioner.pipeline.StepObserver;
import io.caprovisioner.stripe.WebhookObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * What the service measures as it works: step tries, provisioning from checkout to {@code active},
 * webhook answers and refusals, pushes to the gitops remote. Labels are closed sets (step names,
 * results, refusal codes, handled event types).
 */
public final class ProductMetrics implements StepObserver, PushObserver, WebhookObserver {
  /** Buckets of the provisioning histogram: the alert's 10 minutes is one of them. */
  private static final Duration[] PROVISIONING_BUCKETS = {Duration.ofSeconds(30), Duration.ofMinutes(1),
      Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15),
      Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(6)};
  private static final Duration[] SHORT_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5)};

  private final MeterRegistry registry;
  private final Timer provisioning;

  public ProductMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.provisioning = Timer.builder("ca.tenant.provisioning.duration")
        .description("From the tenant's creation (the checkout) to active")
        .serviceLevelObjectives(PROVISIONING_BUCKETS).register(registry);
    for (PushResult result : PushResult.values()) {
      pushTimer(result);
    }
    for (String reason : new String[] {"invalid_signature", "invalid_payload", "livemode_mismatch"}) {
      refusals(reason);
    }
  }

  @Override
  public void stepTried(String step, StepResult result, Duration took) {
    Timer.builder("ca.tenant.step.duration").description("Tries of a reconcile step, by step and how they ended")
        .tags("step", step, "result", result.wire()).serviceLevelObjectives(SHORT_BUCKETS).register(registry)
        .record(took);
  }

  @Override
  public void provisioned(Duration sinceCreated) {
    provisioning.record(sinceCreated);
  }

  @Override
  public void pushed(PushResult result, Duration took) {
    pushTimer(result).record(took);
  }

  @Override
  public void acknowledged(String eventType, boolean duplicate, Duration took) {
    Timer.builder("ca.stripe.webhook.ack").description("Time to store a Stripe event and answer 200")
        .tags("type", StripeMetricsLabels.type(eventType), "duplicate", Boolean.toString(duplicate))
        .serviceLevelObjectives(SHORT_BUCKETS).register(registry).record(took);
  }

  @Override
  public void refused(String reason) {
    refusals(reason).increment();
  }

  private Timer pushTimer(PushResult result) {
    return Timer.builder("ca.gitops.push").description("Pushes to the gitops remote, by result "
            + "(rejected: compare-and-set lost, re-applied on the new tip)")
        .tag("result", result.wire()).serviceLevelObjectives(SHORT_BUCKETS).register(registry);
  }

  private Counter refusals(String reason) {
    return Counter.builder("ca.stripe.webhook.refusals").description("Stripe webhook deliveries answered 400, by reason")
        .tag("reason", reason).register(registry);
  }
}

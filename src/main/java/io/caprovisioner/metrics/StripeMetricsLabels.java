package io.caprovisioner.metrics;

import io.caprovisioner.stripe.StripeEventTypes;
import java.util.List;
import java.util.stream.Stream;

/** The {@code type} label of Stripe metrics: the handled event types, every other type as {@code other}. */
final class StripeMetricsLabels {
  static final List<String> TYPES = Stream.concat(StripeEventTypes.HANDLED.stream().sorted(),
      Stream.of(FleetGauges.OTHER)).toList();

  private StripeMetricsLabels() {
  }

  static String type(String eventType) {
    return StripeEventTypes.handled(eventType) ? eventType : FleetGauges.OTHER;
  }
}

package io.caprovisioner.pipeline;

import java.time.Duration;

/**
 * Told by the reconciler how each try of a step ended and when a tenant finished provisioning,
 * for metrics. The pipeline stays free of any metrics library: the service wires one in.
 */
public interface StepObserver {
  StepObserver NONE = new StepObserver() {
  };

  /** How a try of a step ended. */
  enum StepResult {
    DONE, WAITING, STOPPED, FAILED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A try of {@code step} ended with {@code result} after {@code took}. */
  default void stepTried(String step, StepResult result, Duration took) {
  }

  /** A new tenant became {@code active}, {@code sinceCreated} after its row was created (the checkout). */
  default void provisioned(Duration sinceCreated) {
  }
}

package io.caprovisioner.pipeline;

/**
 * A step tried and failed; the message is the reason operators read (never a secret). The
 * reconcile is retried with backoff until its attempts are used up.
 */
public final class StepFailure extends RuntimeException {
  public StepFailure(String reason) {
    super(reason);
  }

  public StepFailure(String reason, Throwable cause) {
    super(reason, cause);
  }
}

package io.caprovisioner.stripe;

import java.time.Duration;

/** Told how each webhook delivery was answered, for metrics; no event id or body is passed on. */
public interface WebhookObserver {
  WebhookObserver NONE = new WebhookObserver() {
  };

  /** Stored (or a duplicate of a stored event) and answered 200 after {@code took}. */
  default void acknowledged(String eventType, boolean duplicate, Duration took) {
  }

  /** Answered 400; {@code reason} is the error code of the answer ({@code invalid_signature}...). */
  default void refused(String reason) {
  }
}

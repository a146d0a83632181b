package io.caprovisioner.stripe;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** {@code stripe_events.status}: what became of a stored event. */
public enum EventStatus {
  RECEIVED, APPLIED, IGNORED, FAILED, DEFERRED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<EventStatus> fromWire(String value) {
    return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
  }

  /** Applied or ignored: nothing more will happen to it unless an operator replays it. */
  public boolean settled() {
    return this == APPLIED || this == IGNORED;
  }
}

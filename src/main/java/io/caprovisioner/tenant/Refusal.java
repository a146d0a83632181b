package io.caprovisioner.tenant;

import java.time.Duration;
import java.util.Optional;

/**
 * A request refused for a reason the caller can act on, whatever layer refuses it. Its kind, not
 * its class, decides the answer: the HTTP mapping lives in one place ({@code web.ErrorResponses}).
 * The message names the problem and never holds a secret.
 */
public class Refusal extends RuntimeException {
  public enum Kind {
    /** No such thing. */
    NOT_FOUND,
    /** The current state does not allow it. */
    CONFLICT,
    /** The request itself is wrong. */
    INVALID,
    /** A dependency cannot be reached now; try later. */
    UNAVAILABLE,
    /** Someone else is doing the same thing now; try again shortly. */
    BUSY
  }

  private final Kind kind;
  private final Optional<Duration> retryAfter;

  public Refusal(Kind kind, String message) {
    this(kind, message, null, Optional.empty());
  }

  public Refusal(Kind kind, String message, Throwable cause, Optional<Duration> retryAfter) {
    super(message, cause);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** When the caller may try again (BUSY, UNAVAILABLE), if known. */
  public Optional<Duration> retryAfter() {
    return retryAfter;
  }

  public static Refusal notFound(String what) {
    return new Refusal(Kind.NOT_FOUND, what);
  }

  public static Refusal conflict(String what) {
    return new Refusal(Kind.CONFLICT, what);
  }

  public static Refusal invalid(String what) {
    return new Refusal(Kind.INVALID, what);
  }

  public static Refusal unavailable(String what) {
    return new Refusal(Kind.UNAVAILABLE, what);
  }

  public static Refusal busy(String what, Duration retryAfter) {
    return new Refusal(Kind.BUSY, what, null, Optional.of(retryAfter));
  }
}

package io.caprovisioner.db;

import java.util.Locale;

/** {@code outbound_messages.status}. */
public enum MessageStatus {
  /** Waiting for its mail.send job (also between retries). */
  PENDING,
  /** Handed to the SMTP server, or written as an .eml file. */
  SENT,
  /** Refused for good (a 5xx reply, no address) or out of attempts; an operator may resend it. */
  FAILED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static MessageStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}

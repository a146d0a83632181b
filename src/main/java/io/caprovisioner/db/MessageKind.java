package io.caprovisioner.db;

import java.util.Locale;

/** {@code outbound_messages.kind}: the messages a customer can get, one template each. */
public enum MessageKind {
  /** The site is ready: its address, the username and a one-time link to the password. */
  WELCOME,
  /** A payment failed; the site keeps running while Stripe retries. */
  PAYMENT_FAILED,
  SUSPENDED,
  /** Data kept until a date; a resume before then brings the site back. */
  DELETION_SCHEDULED,
  DELETED,
  /** A new administrator password was set: a fresh one-time link. */
  CREDENTIALS;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static MessageKind fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Messages that carry a one-time link to the administrator password. */
  public boolean carriesCredentialsLink() {
    return this == WELCOME || this == CREDENTIALS;
  }
}

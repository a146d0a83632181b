package io.caprovisioner.mail;

import io.vertx.core.Future;
import io.vertx.ext.mail.MailMessage;

/**
 * Where messages are handed over: an SMTP server, or (dev) .eml files. A failed Future whose
 * cause {@link MailFailures#permanent} recognises is a refusal for good; any other is retried.
 */
interface MailTransport {
  /** @return where it went, for the log: never the body or the address */
  Future<String> deliver(long messageId, MailMessage message);

  Future<Void> close();
}

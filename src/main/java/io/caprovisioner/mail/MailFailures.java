package io.caprovisioner.mail;

import io.caprovisioner.jobs.Errors;
import io.vertx.ext.mail.SMTPException;
import java.util.regex.Pattern;

/** Which hand-over failures no retry can mend. */
final class MailFailures {
  private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\"'(),;:]+@[^\\s<>\"'(),;:]+");

  private MailFailures() {
  }

  /**
   * The failure for logs, the outbox row and the admin API: SMTP replies quote the recipient
   * ("550 5.1.1 <a@b.org>: unknown user"), and addresses are kept out of all three.
   */
  static String describe(Throwable e) {
    return ADDRESS.matcher(Errors.message(e)).replaceAll("<address>");
  }

  /**
   * A 5xx reply (unknown mailbox, message refused, authentication rejected) is final; a 4xx reply,
   * a refused connection, a timeout or a TLS failure may pass later.
   */
  static boolean permanent(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SMTPException smtp) {
        return smtp.isPermanent();
      }
    }
    return false;
  }
}

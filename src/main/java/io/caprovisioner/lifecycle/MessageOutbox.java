package io.caprovisioner.lifecycle;

import io.caprovisioner.db.MessageKind;
import io.caprovisioner.db.OutboundMessages;
import io.caprovisioner.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;

/**
 * Puts a customer message into the outbox with the change that causes it: the row and its
 * {@code mail.send} job in the caller's transaction, so the message exists exactly when the
 * change was committed. A cause that already has its message adds nothing (duplicates, replays,
 * retries). The job has no tenant subject: a slow SMTP server never holds back a tenant's reconcile.
 */
public final class MessageOutbox {
  private final OutboundMessages messages = new OutboundMessages();
  private final JobQueue jobs = new JobQueue();

  /** @return the new message's id; empty when this cause already had its message */
  public Future<Optional<Long>> add(SqlClient sql, long tenantId, MessageKind kind, String cause, JsonObject facts) {
    return messages.addOnce(sql, tenantId, kind, cause, facts).compose(id -> id.isEmpty()
        ? Future.succeededFuture(id)
        : send(sql, id.get()).map(id));
  }

  /** {@code POST /admin/messages/{id}/resend}: pending again, with a job to send it (fresh links). */
  public Future<Boolean> resend(SqlClient sql, long messageId) {
    return messages.reopen(sql, messageId).compose(found -> found
        ? send(sql, messageId).map(true) : Future.succeededFuture(false));
  }

  private Future<Void> send(SqlClient sql, long messageId) {
    return jobs.enqueue(sql, null, JobKind.MAIL_SEND.wire(), new JsonObject().put("message_id", messageId),
        JobKind.MAIL_SEND.wire() + ":" + messageId).mapEmpty();
  }
}

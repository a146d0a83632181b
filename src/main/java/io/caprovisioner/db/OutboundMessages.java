package io.caprovisioner.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code outbound_messages} rows: the outbox of customer messages. Rows hold no address and
 * no secret: the recipient is the tenant's user at send time, links are made when sending.
 */
public final class OutboundMessages {

  /** One stored message. */
  public record StoredMessage(long id, long tenantId, MessageKind kind, String cause, JsonObject facts,
      MessageStatus status, int attempts, Optional<String> lastError, OffsetDateTime createdAt,
      Optional<OffsetDateTime> sentAt) {
    /** For operators: everything but the text (which is made when sending). */
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("tenant_id", tenantId).put("kind", kind.wire()).put("cause", cause)
          .put("status", status.wire()).put("attempts", attempts).put("last_error", lastError.orElse(null))
          .put("created_at", createdAt.toString()).put("sent_at", sentAt.map(OffsetDateTime::toString).orElse(null));
    }
  }

  /**
   * Adds the message for this cause unless one exists: the id when it was added, empty when the
   * cause already had its message. In the caller's transaction, the one that made the change.
   */
  public Future<Optional<Long>> addOnce(SqlClient sql, long tenantId, MessageKind kind, String cause,
      JsonObject facts) {
    return sql.preparedQuery("INSERT INTO outbound_messages (tenant_id, kind, cause, facts) VALUES ($1, $2, $3, $4) "
            + "ON CONFLICT (tenant_id, kind, cause) DO NOTHING RETURNING id")
        .execute(Tuple.of(tenantId, kind.wire(), cause, facts))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("id")));
  }

  public Future<Optional<StoredMessage>> byId(SqlClient sql, long id) {
    return sql.preparedQuery("SELECT * FROM outbound_messages WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  /** Newest first; {@code status} empty: all. */
  public Future<List<StoredMessage>> list(SqlClient sql, Optional<MessageStatus> status, int limit) {
    return sql.preparedQuery("SELECT * FROM outbound_messages WHERE ($1::text IS NULL OR status = $1) "
            + "ORDER BY id DESC LIMIT $2")
        .execute(Tuple.of(status.map(MessageStatus::wire).orElse(null), limit))
        .map(rows -> {
          List<StoredMessage> out = new ArrayList<>();
          rows.forEach(r -> out.add(map(r)));
          return out;
        });
  }

  /** One hand-over is being tried. */
  public Future<Void> attempted(SqlClient sql, long id) {
    return sql.preparedQuery("UPDATE outbound_messages SET attempts = attempts + 1, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(id)).mapEmpty();
  }

  public Future<Void> sent(SqlClient sql, long id) {
    return sql.preparedQuery("UPDATE outbound_messages SET status = 'sent', sent_at = now(), last_error = NULL, "
            + "updated_at = now() WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  /** The last temporary failure, while the message stays pending for its retry. */
  public Future<Void> retrying(SqlClient sql, long id, String error) {
    return sql.preparedQuery("UPDATE outbound_messages SET last_error = $2, updated_at = now() "
            + "WHERE id = $1 AND status = 'pending'").execute(Tuple.of(id, error)).mapEmpty();
  }

  public Future<Void> failed(SqlClient sql, long id, String error) {
    return sql.preparedQuery("UPDATE outbound_messages SET status = 'failed', last_error = $2, updated_at = now() "
            + "WHERE id = $1 AND status <> 'sent'").execute(Tuple.of(id, error)).mapEmpty();
  }

  /** An operator's resend: pending again, whatever it was. False when there is no such message. */
  public Future<Boolean> reopen(SqlClient sql, long id) {
    return sql.preparedQuery("UPDATE outbound_messages SET status = 'pending', sent_at = NULL, last_error = NULL, "
            + "updated_at = now() WHERE id = $1").execute(Tuple.of(id)).map(r -> r.rowCount() == 1);
  }

  private static StoredMessage map(Row r) {
    Object facts = r.getValue("facts");
    return new StoredMessage(r.getLong("id"), r.getLong("tenant_id"), MessageKind.fromWire(r.getString("kind")),
        r.getString("cause"), facts instanceof JsonObject j ? j : new JsonObject(),
        MessageStatus.fromWire(r.getString("status")), r.getInteger("attempts"),
        Optional.ofNullable(r.getString("last_error")), r.getOffsetDateTime("created_at"),
        Optional.ofNullable(r.getOffsetDateTime("sent_at")));
  }
}

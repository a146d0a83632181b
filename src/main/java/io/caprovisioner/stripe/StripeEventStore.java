package io.caprovisioner.stripe;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code stripe_events} table: every event received, its raw body and what became of it. */
public final class StripeEventStore {

  /** A stored event; {@code payload} is the body exactly as Stripe sent it. */
  public record StoredEvent(String id, String type, String apiVersion, Long created, Boolean livemode,
      String payload, EventStatus status, String note, String error, Optional<String> subscriptionId) {
  }

  /**
   * Stores the event unless its id is known; true when it was new. {@code ignoredReason} present:
   * stored as already ignored (a type we do not handle), so no job is needed.
   */
  public Future<Boolean> insert(SqlClient sql, StripeEventEnvelope e, String rawBody, Optional<String> ignoredReason) {
    return sql.preparedQuery("INSERT INTO stripe_events (id, type, api_version, created, livemode, payload, status, "
            + "note, processed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $7 = 'ignored' THEN now() END) "
            + "ON CONFLICT (id) DO NOTHING RETURNING id")
        .execute(Tuple.from(new Object[] {e.id(), e.type(), e.apiVersion(), e.created(), e.livemode(), rawBody,
            (ignoredReason.isPresent() ? EventStatus.IGNORED : EventStatus.RECEIVED).wire(), ignoredReason.orElse(null)}))
        .map(rows -> rows.size() == 1);
  }

  /**
   * Marks up to {@code limit} received events whose job is not queued yet as queued, oldest first,
   * and returns their ids. Rows another transaction is marking are skipped, so two relays never
   * take the same event; the caller queues the jobs in the same transaction.
   */
  public Future<List<String>> markQueued(SqlClient sql, int limit) {
    return sql.preparedQuery("UPDATE stripe_events SET queued_at = now() WHERE id IN (SELECT id FROM stripe_events "
            + "WHERE queued_at IS NULL AND status = 'received' ORDER BY received_at, id LIMIT $1 "
            + "FOR UPDATE SKIP LOCKED) RETURNING id, received_at")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<Row> sorted = new ArrayList<>();
          rows.forEach(sorted::add);
          // RETURNING has no order: the jobs are queued (and so claimed) in the order events came
          sorted.sort(java.util.Comparator.comparing((Row r) -> r.getOffsetDateTime("received_at"))
              .thenComparing(r -> r.getString("id")));
          return sorted.stream().map(r -> r.getString("id")).toList();
        });
  }

  public Future<Optional<StoredEvent>> find(SqlClient sql, String id) {
    return sql.preparedQuery("SELECT * FROM stripe_events WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  /** Locks the row for the caller's transaction, so one event is applied by one worker at a time. */
  public Future<Optional<StoredEvent>> lock(SqlClient sql, String id) {
    return sql.preparedQuery("SELECT * FROM stripe_events WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  /** Records the outcome; {@code subscriptionId} may be null when the event is about none. */
  public Future<Void> finish(SqlClient sql, String id, EventStatus status, String note, String subscriptionId) {
    return sql.preparedQuery("UPDATE stripe_events SET status = $2, note = $3, error = NULL, "
            + "stripe_subscription_id = COALESCE($4, stripe_subscription_id), "
            + "processed_at = CASE WHEN $2 = 'deferred' THEN NULL ELSE now() END WHERE id = $1")
        .execute(Tuple.of(id, status.wire(), note, subscriptionId)).mapEmpty();
  }

  /** A failure, kept with its reason; the event can be replayed once the cause is fixed. */
  public Future<Void> fail(SqlClient sql, String id, String error, String subscriptionId) {
    return sql.preparedQuery("UPDATE stripe_events SET status = 'failed', error = $2, processed_at = now(), "
            + "stripe_subscription_id = COALESCE($3, stripe_subscription_id) WHERE id = $1")
        .execute(Tuple.of(id, error, subscriptionId)).mapEmpty();
  }

  /** Events kept until their subscription's tenant exists, oldest first. */
  public Future<List<StoredEvent>> deferred(SqlClient sql, String subscriptionId) {
    return sql.preparedQuery("SELECT * FROM stripe_events WHERE status = 'deferred' AND stripe_subscription_id = $1 "
            + "ORDER BY created, received_at").execute(Tuple.of(subscriptionId))
        .map(rows -> {
          List<StoredEvent> out = new ArrayList<>();
          rows.forEach(r -> out.add(map(r)));
          return out;
        });
  }

  /** For operators: newest first, without the raw bodies. */
  public Future<JsonArray> list(SqlClient sql, Optional<EventStatus> status, int limit) {
    return sql.preparedQuery("SELECT id, type, api_version, created, livemode, status, note, error, "
            + "stripe_subscription_id, received_at, processed_at, payload_redacted_at FROM stripe_events "
            + "WHERE ($1::text IS NULL OR status = $1) ORDER BY received_at DESC, id LIMIT $2")
        .execute(Tuple.of(status.map(EventStatus::wire).orElse(null), limit))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(summary(r)));
          return out;
        });
  }

  static JsonObject summary(Row r) {
    return new JsonObject().put("id", r.getString("id")).put("type", r.getString("type"))
        .put("api_version", r.getString("api_version")).put("created", r.getLong("created"))
        .put("livemode", r.getBoolean("livemode")).put("status", r.getString("status"))
        .put("note", r.getString("note")).put("error", r.getString("error"))
        .put("stripe_subscription_id", r.getString("stripe_subscription_id"))
        .put("received_at", r.getOffsetDateTime("received_at").toString())
        .put("processed_at", Optional.ofNullable(r.getOffsetDateTime("processed_at")).map(Object::toString)
            .orElse(null))
        .put("payload_redacted_at", Optional.ofNullable(r.getOffsetDateTime("payload_redacted_at"))
            .map(Object::toString).orElse(null));
  }

  private static StoredEvent map(Row r) {
    return new StoredEvent(r.getString("id"), r.getString("type"), r.getString("api_version"), r.getLong("created"),
        r.getBoolean("livemode"), r.getString("payload"), EventStatus.fromWire(r.getString("status")).orElseThrow(), r.getString("note"),
        r.getString("error"), Optional.ofNullable(r.getString("stripe_subscription_id")));
  }
}

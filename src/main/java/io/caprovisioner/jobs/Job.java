package io.caprovisioner.jobs;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A claimed job. {@code lockToken} is unique to this claim: every later update of the row is
 * conditioned on it, so a worker that lost its lease (paused, partitioned) cannot overwrite the
 * work of the one that rescued the job. Jobs of one {@code subject} (the product uses the tenant's
 * id) never run at the same time. {@code parkedOn}: the dependency the job was parked on when this
 * run was claimed, i.e. its safety net ran out (a wake, a new request or a restart clears it).
 */
public record Job(long id, Optional<Long> subject, String kind, JsonObject payload, int attempts, int maxAttempts,
    String lockToken, Optional<String> waitReason, OffsetDateTime createdAt, OffsetDateTime startedAt,
    Optional<String> parkedOn) {

  static Job from(Row r) {
    Object payload = r.getValue("payload");
    return new Job(r.getLong("id"), Optional.ofNullable(r.getLong("tenant_id")), r.getString("kind"),
        payload instanceof JsonObject o ? o : new JsonObject(), r.getInteger("attempts"), r.getInteger("max_attempts"),
        r.getString("locked_by"), Optional.ofNullable(r.getString("wait_reason")), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("started_at"), Optional.ofNullable(r.getString("parked_on")));
  }

  public boolean lastAttempt() {
    return attempts >= maxAttempts;
  }
}

package io.caprovisioner.stripe;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The few top-level fields of an event that ingestion needs to store it. Everything else is read
 * later, by the job, from the stored raw body.
 *
 * @param apiVersion null for events of accounts without a pinned version (Stripe sends null)
 * @param livemode   null when absent
 */
public record StripeEventEnvelope(String id, String type, String apiVersion, long created, Boolean livemode) {
  private static final Pattern EVENT_ID = Pattern.compile("^evt_[A-Za-z0-9_]{1,250}$");
  /** Stripe's event types are dotted lowercase words; anything else (a NUL, a newline) is no event. */
  private static final Pattern TYPE = Pattern.compile("^[a-z0-9_]+(\\.[a-z0-9_]+)*$");
  private static final Pattern API_VERSION = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  /** @throws IllegalArgumentException with a reason that never quotes the body */
  public static StripeEventEnvelope parse(Buffer body) {
    JsonObject json;
    try {
      json = body.toJsonObject();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    if (json == null) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    Object id = json.getValue("id");
    if (!(id instanceof String s) || !EVENT_ID.matcher(s).matches()) {
      throw new IllegalArgumentException("the event has no valid id (evt_...)");
    }
    if (!"event".equals(json.getValue("object"))) {
      throw new IllegalArgumentException("the body is not a Stripe event (object != \"event\")");
    }
    Object type = json.getValue("type");
    if (!(type instanceof String t) || t.isBlank() || t.length() > 200) {
      throw new IllegalArgumentException("the event has no type");
    }
    if (!TYPE.matcher(t).matches()) {
      throw new IllegalArgumentException("the event type is not a Stripe event type (lowercase words joined by dots)");
    }
    Object created = json.getValue("created");
    if (!(created instanceof Number n)) {
      throw new IllegalArgumentException("the event has no created timestamp");
    }
    Object version = json.getValue("api_version");
    if (version instanceof String v && !API_VERSION.matcher(v).matches()) {
      throw new IllegalArgumentException("the event's api_version is not a Stripe API version");
    }
    Object livemode = json.getValue("livemode");
    return new StripeEventEnvelope(s, t, version instanceof String v ? v : null, n.longValue(),
        livemode instanceof Boolean b ? b : null);
  }
}

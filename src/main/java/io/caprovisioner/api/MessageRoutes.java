package io.caprovisioner.api;

import io.caprovisioner.db.MessageStatus;
import io.caprovisioner.db.OutboundMessages;
import io.caprovisioner.lifecycle.MessageOutbox;
import io.caprovisioner.web.ApiError;
import io.caprovisioner.web.Json;
import io.caprovisioner.web.RequestParams;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code /admin/messages}: the outbox of customer messages for operators (kind, cause, status,
 * attempts, last error; never the text or the address), and a resend that makes the text again
 * with fresh links.
 */
public final class MessageRoutes {
  private final Pool pool;
  private final OutboundMessages messages = new OutboundMessages();
  private final MessageOutbox outbox = new MessageOutbox();

  public MessageRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/admin/messages").handler(this::list);
    router.post("/admin/messages/:id/resend").handler(this::resend);
  }

  private void list(RoutingContext ctx) {
    Optional<MessageStatus> status = Optional.ofNullable(ctx.request().getParam("status")).filter(s -> !s.isEmpty())
        .map(MessageRoutes::status);
    int limit = RequestParams.queryInt(ctx, "limit", 100, 1, 1000);
    Json.respond(ctx, 200, messages.list(pool, status, limit).map(list -> {
      JsonArray out = new JsonArray();
      list.forEach(m -> out.add(m.toJson()));
      return out;
    }));
  }

  private void resend(RoutingContext ctx) {
    long id = messageId(ctx);
    Json.respond(ctx, 202, pool.withTransaction(sql -> outbox.resend(sql, id)).compose(found -> found
        ? Future.succeededFuture(new JsonObject().put("id", id).put("status", MessageStatus.PENDING.wire()))
        : Future.failedFuture(ApiError.notFound("no message with id " + id))));
  }

  private static MessageStatus status(String raw) {
    try {
      return MessageStatus.fromWire(raw);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("status must be one of " + Arrays.stream(MessageStatus.values())
          .map(MessageStatus::wire).collect(Collectors.joining(", ")) + ", not '" + raw + "'");
    }
  }

  private static long messageId(RoutingContext ctx) {
    return RequestParams.pathId(ctx, "message");
  }
}

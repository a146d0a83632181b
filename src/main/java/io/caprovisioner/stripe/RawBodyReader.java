package io.caprovisioner.stripe;

import io.caprovisioner.web.ErrorResponses;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;

/**
 * Reads the request body as raw bytes up to a limit (413 beyond), whatever its Content-Type.
 * Vert.x's BodyHandler decodes form content types itself (and fails on a signed JSON body sent as
 * {@code application/x-www-form-urlencoded}, curl's default), while the signature covers the
 * bytes as sent, so this reads them untouched.
 */
final class RawBodyReader implements Handler<RoutingContext> {
  private final int limit;
  private final BiConsumer<RoutingContext, Buffer> next;

  RawBodyReader(int limit, BiConsumer<RoutingContext, Buffer> next) {
    this.limit = limit;
    this.next = next;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String declared = request.getHeader("Content-Length");
    if (declared != null && tooLong(declared)) {
      tooLarge(ctx);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    request.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        refused[0] = true;
        tooLarge(ctx);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> {
      if (!refused[0]) {
        ctx.fail(e);
      }
    });
    request.endHandler(v -> {
      if (!refused[0]) {
        next.accept(ctx, body);
      }
    });
    // the router pauses requests until a body handler takes them
    request.resume();
  }

  private boolean tooLong(String declared) {
    try {
      return Long.parseLong(declared.trim()) > limit;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void tooLarge(RoutingContext ctx) {
    // the rest of the body is not read: close the connection after answering
    ctx.response().putHeader("Connection", "close");
    ErrorResponses.send(ctx, 413, "payload_too_large", "the body is larger than " + limit / 1024 + " KiB");
  }
}

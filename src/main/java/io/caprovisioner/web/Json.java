package io.caprovisioner.web;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** Writes a Future's JSON result, or routes its failure to {@link ErrorResponses}. */
public final class Json {
  private Json() {
  }

  public static void respond(RoutingContext ctx, int status, Future<?> result) {
    result.onSuccess(value -> {
      if (!ctx.response().ended()) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(io.vertx.core.json.Json.encode(value));
      }
    }).onFailure(ctx::fail);
  }
}

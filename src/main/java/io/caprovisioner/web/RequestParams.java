package io.caprovisioner.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Reading and checking request input; every problem is a 400 naming the parameter. */
public final class RequestParams {
  private RequestParams() {
  }

  public static long pathId(RoutingContext ctx) {
    return pathId(ctx, "tenant");
  }

  /** The positive integer {@code :id} of the path; {@code what} names it in the 400 ("message id ..."). */
  public static long pathId(RoutingContext ctx, String what) {
    return pathId(ctx, "id", what);
  }

  /** The positive integer path parameter {@code param}, e.g. {@code :tenant} beside a rollout's {@code :id}. */
  public static long pathId(RoutingContext ctx, String param, String what) {
    String raw = ctx.pathParam(param);
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the error
    }
    throw ApiError.badRequest(what + " id must be a positive integer, not '" + raw + "'");
  }

  public static int queryInt(RoutingContext ctx, String name, int fallback, int min, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the error
    }
    throw ApiError.badRequest(name + " must be an integer between " + min + " and " + max + ", not '" + raw + "'");
  }

  public static boolean queryBool(RoutingContext ctx, String name) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty() || raw.equals("false") || raw.equals("0")) {
      return false;
    }
    if (raw.equals("true") || raw.equals("1")) {
      return true;
    }
    throw ApiError.badRequest(name + " must be true or false, not '" + raw + "'");
  }

  /** The body as a JSON object; 400 when it is empty, not JSON, or not an object. */
  public static JsonObject jsonBody(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw ApiError.badRequest("a JSON object body is required");
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(text);
    } catch (RuntimeException e) {
      throw ApiError.badRequest("the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject obj)) {
      throw ApiError.badRequest("the body must be a JSON object");
    }
    return obj;
  }

  public static Optional<String> optionalString(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw ApiError.badRequest(field + " must be a string");
    }
    if (hasControlCharacter(s)) {
      throw ApiError.badRequest(field + " must not contain control characters");
    }
    return s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }

  /** PostgreSQL refuses NUL in text; no field we take has a use for any control character. */
  public static boolean hasControlCharacter(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  public static String requiredString(JsonObject body, String field) {
    return optionalString(body, field).orElseThrow(() -> ApiError.badRequest(field + " is required"));
  }
}

package io.caprovisioner.api;

import io.vertx.core.json.JsonObject;

/**
 * A client error with its HTTP status; rendered as {@code {"error": ..., "detail": ...}}.
 * Throw it (or fail a Future with it) from any handler.
 */
public class ApiError extends RuntimeException {
  private final int status;
  private final String error;

  public ApiError(int status, String error, String detail) {
    super(detail);
    this.status = status;
    this.error = error;
  }

  public static ApiError badRequest(String detail) {
    return new ApiError(400, "bad_request", detail);
  }

  public static ApiError notFound(String detail) {
    return new ApiError(404, "not_found", detail);
  }

  public static ApiError conflict(String detail) {
    return new ApiError(409, "conflict", detail);
  }

  public int status() {
    return status;
  }

  public JsonObject body() {
    return new JsonObject().put("error", error).put("detail", getMessage());
  }
}

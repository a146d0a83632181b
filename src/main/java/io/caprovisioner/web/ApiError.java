package io.caprovisioner.web;

import io.caprovisioner.tenant.Refusal;

/** A refusal of the HTTP layer itself (a malformed parameter or body); throw it from any handler. */
public final class ApiError extends Refusal {
  private ApiError(Kind kind, String detail) {
    super(kind, detail);
  }

  public static ApiError badRequest(String detail) {
    return new ApiError(Kind.INVALID, detail);
  }

  public static ApiError notFound(String detail) {
    return new ApiError(Kind.NOT_FOUND, detail);
  }

  public static ApiError conflict(String detail) {
    return new ApiError(Kind.CONFLICT, detail);
  }
}

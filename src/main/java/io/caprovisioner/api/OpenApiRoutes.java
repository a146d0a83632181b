package io.caprovisioner.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json} (public): the OpenAPI 3.1 description of every route, kept in the
 * repository as {@code src/main/resources/openapi.json}; a test fails when a route exists that it
 * lacks, and the API tests check real answers against its schemas.
 */
public final class OpenApiRoutes {
  public static final String RESOURCE = "/openapi.json";
  private final Buffer document;

  public OpenApiRoutes() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      document = Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void mount(Router router) {
    router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(document));
  }
}

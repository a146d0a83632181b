package io.caprovisioner.testing;

import io.vertx.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP requests against a running service, as curl would send them. */
public final class TestHttp {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public TestHttp(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  public record Response(int status, String body, java.net.http.HttpHeaders headers) {
    public Object json() {
      return Json.decodeValue(body);
    }

    public io.vertx.core.json.JsonObject object() {
      return new io.vertx.core.json.JsonObject(body);
    }

    public io.vertx.core.json.JsonArray array() {
      return new io.vertx.core.json.JsonArray(body);
    }
  }

  public Response get(String path) {
    return send("GET", path, null, token);
  }

  public Response post(String path, String body) {
    return send("POST", path, body, token);
  }

  public Response delete(String path) {
    return send("DELETE", path, null, token);
  }

  public Response send(String method, String path, String body, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

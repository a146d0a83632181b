package io.caprovisioner.cli;

import io.caprovisioner.config.ConfigLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code fleet} command shares: the running service's admin API, with the admin token
 * read as the service reads it (ADMIN_API_TOKEN, or in dev mode the one kept under
 * PROVISIONER_HOME), and how a rollout is printed.
 */
final class FleetApi {
  @Option(names = "--url", defaultValue = "http://localhost:8000",
      description = "Base URL of the running service (default: ${DEFAULT-VALUE}).")
  String url;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The environment the configuration is read from; tests give their own. */
  Map<String, String> env = System.getenv();

  PrintWriter out() {
    return command.commandLine().getOut();
  }

  PrintWriter err() {
    return command.commandLine().getErr();
  }

  /** The answer's JSON, or null after printing why there is none (the command then exits 1). */
  Object call(String method, String path, JsonObject body) {
    String token = ConfigLoader.load(env).secrets().adminApiToken();
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
    req = body == null ? req.method(method, HttpRequest.BodyPublishers.noBody())
        : req.header("Content-Type", "application/json").method(method,
            HttpRequest.BodyPublishers.ofString(body.encode()));
    try {
      HttpResponse<String> resp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
          .send(req.build(), HttpResponse.BodyHandlers.ofString());
      Object json = resp.body().isBlank() ? new JsonObject() : io.vertx.core.json.Json.decodeValue(resp.body());
      if (resp.statusCode() / 100 != 2) {
        String detail = json instanceof JsonObject o ? o.getString("detail", resp.body()) : resp.body();
        err().println("error: " + method + " " + path + " answered " + resp.statusCode() + ": " + detail);
        return null;
      }
      return json;
    } catch (IOException e) {
      err().println("error: cannot reach the service at " + url + ": " + e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (RuntimeException e) {
      err().println("error: the service at " + url + " did not answer JSON: " + e.getMessage());
      return null;
    }
  }

  /** A rollout as operators scan it: the state, each wave's counts, then every tenant that did not go well. */
  void print(JsonObject r) {
    PrintWriter out = out();
    out.println("rollout " + r.getLong("id") + ": " + r.getString("state") + ", wave " + r.getInteger("current_wave")
        + " of " + r.getInteger("wave_count") + " (target chart " + orDash(r.getString("chart_version"))
        + ", image " + orDash(r.getString("image")) + "; budget " + r.getInteger("failure_budget") + ", failures "
        + r.getLong("failures_counted", 0L) + ")");
    if (r.getString("halted_reason") != null) {
      out.println("  halted: " + r.getString("halted_reason"));
    }
    JsonArray waves = r.getJsonArray("waves", new JsonArray());
    for (Object w : waves) {
      JsonObject wave = (JsonObject) w;
      StringBuilder counts = new StringBuilder();
      wave.getJsonObject("counts").forEach(e -> {
        if (((Number) e.getValue()).longValue() > 0) {
          counts.append(counts.length() == 0 ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey());
        }
      });
      out.println("  wave " + wave.getInteger("wave") + " (" + wave.getInteger("size") + " tenants): " + counts);
      for (Object t : wave.getJsonArray("tenants")) {
        JsonObject m = (JsonObject) t;
        if (m.getString("reason") != null) {
          out.println("    " + m.getString("namespace") + " (id " + m.getLong("tenant_id") + ") " + m.getString("state")
              + ": " + m.getString("reason"));
        }
      }
    }
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}

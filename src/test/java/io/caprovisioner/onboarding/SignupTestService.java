package io.caprovisioner.onboarding;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.stripe.StripeSignature;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The whole service in-process (TestService: real PostgreSQL, the real job runner and webhook),
 * with what the customer-page tests need: form posts that do not follow redirects, signed
 * webhooks, and counts of stored rows.
 */
final class SignupTestService implements AutoCloseable {
  final DatabaseUrl db = TestPostgres.freshDatabase();
  final Path home;
  final ProvisionerService service;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  record Reply(int status, String body, HttpHeaders headers) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  SignupTestService(Map<String, String> env) {
    try {
      home = Files.createTempDirectory("ca-provisioner-signup");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    service = TestService.start(db, home, env);
  }

  String base() {
    return "http://127.0.0.1:" + service.port();
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
  }

  Reply postForm(String path, Map<String, String> fields) {
    String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    return postRaw(path, body);
  }

  Reply postRaw(String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(base() + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Posts {@code event} to the webhook signed with the configured secret, as Stripe does. */
  Reply webhook(JsonObject event) {
    byte[] body = event.encode().getBytes(StandardCharsets.UTF_8);
    return send(HttpRequest.newBuilder(URI.create(base() + "/webhooks/stripe"))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", StripeSignature.header(body, TestService.WEBHOOK_SECRET,
            System.currentTimeMillis() / 1000))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  long count(String table) {
    return Long.parseLong(query("SELECT count(*) FROM " + table).values().iterator().next());
  }

  /** The first row of {@code sql}, column → text. */
  Map<String, String> query(String sql) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      Map<String, String> row = new LinkedHashMap<>();
      if (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
        }
      }
      return row;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A form as the signup page renders it. */
  static Map<String, String> form(String email, String plan, String name) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("email", email);
    f.put("plan", plan);
    f.put("name", name);
    f.put("token", "formtoken0123456789abcdefABCDEF");
    return f;
  }

  @Override
  public void close() {
    service.stop();
  }
}

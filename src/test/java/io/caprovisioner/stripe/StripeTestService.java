package io.caprovisioner.stripe;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole service in-process on a fresh database, with helpers to post signed webhooks, run the
 * the relay and the queued {@code stripe.apply} jobs (standing in for the job runner) and read rows back.
 */
final class StripeTestService implements AutoCloseable {
  static final String SECRET = "whsec_test_secret_123";
  static final String ROTATED_SECRET = "whsec_rotated_secret_456";
  static final String ADMIN_TOKEN = "admin-token-0123456789abcdef0123456789";

  final DatabaseUrl db;
  final Map<String, String> env;
  private ProvisionerService service;
  private final HttpClient http = HttpClient.newHttpClient();

  StripeTestService(Map<String, String> extraEnv) {
    this(TestPostgres.freshDatabase(), extraEnv);
  }

  StripeTestService(DatabaseUrl db, Map<String, String> extraEnv) {
    this.db = db;
    try {
      Path home = Files.createTempDirectory("stripe-test");
      env = new HashMap<>(Map.of(
          "DATABASE_URL", "postgresql://postgres@127.0.0.1:" + db.port() + "/" + db.database(),
          "ADMIN_API_TOKEN", ADMIN_TOKEN,
          "SECRET_KEY", "secret-key-0123456789abcdef0123456789abcdef",
          "STRIPE_WEBHOOK_SECRET", ROTATED_SECRET + "," + SECRET,
          "STRIPE_PRICE_PLANS", "price_starter=starter,price_pro=pro,price_museum=museum",
          "PORT", "0",
          // these tests apply stripe.apply jobs themselves (runApplyJobs), step by step
          "JOB_WORKERS", "0",
          "PROVISIONER_HOME", home.toString()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    env.put("MANAGEMENT_PORT", "0");
    env.put("DRAIN_DELAY_SECONDS", "0");
    env.putAll(extraEnv);
    start();
  }

  void start() {
    service = ProvisionerService.start(ConfigLoader.load(env));
  }

  void stop() {
    service.stop();
  }

  @Override
  public void close() {
    stop();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.port() + path);
  }

  HttpResponse<String> post(byte[] body, String signature) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(StripeWebhookHandler.PATH))
        .header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      b.header("Stripe-Signature", signature);
    }
    return send(b.build());
  }

  /** Signed with {@link #SECRET} at the current time. */
  HttpResponse<String> deliver(JsonObject event) {
    byte[] body = event.encodePrettily().getBytes(StandardCharsets.UTF_8);
    return post(body, TestSigner.header(SECRET, TestSigner.now(), body));
  }

  HttpResponse<String> deliver(byte[] body) {
    return post(body, TestSigner.header(SECRET, TestSigner.now(), body));
  }

  HttpResponse<String> admin(String method, String path) {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + ADMIN_TOKEN)
        .method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims and applies queued stripe.apply jobs until none is left, as the runner would; returns how many ran. */
  int runApplyJobs() {
    int ran = 0;
    while (true) {
      relay();
      List<Map<String, Object>> claimed = query("UPDATE jobs SET state = 'running', attempts = attempts + 1 "
          + "WHERE id = (SELECT id FROM jobs WHERE kind = 'stripe.apply' AND state = 'queued' ORDER BY id "
          + "FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id, payload->>'event_id' AS event_id");
      if (claimed.isEmpty()) {
        return ran;
      }
      long id = (Long) claimed.get(0).get("id");
      apply((String) claimed.get(0).get("event_id"));
      query("UPDATE jobs SET state = 'done', finished_at = now() WHERE id = ? RETURNING id", id);
      ran++;
    }
  }

  /** Queues the stored events' jobs, as the relay of a replica running jobs would; returns how many. */
  int relay() {
    try {
      return service.stripeRelay().relayAll().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("relaying stored events failed", e);
    }
  }

  void apply(String eventId) {
    try {
      service.stripeEvents().apply(eventId).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("applying " + eventId + " failed", e);
    }
  }

  /** Posts and applies at once. */
  String deliverAndApply(JsonObject event) {
    HttpResponse<String> r = deliver(event);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("webhook answered " + r.statusCode() + " " + r.body());
    }
    runApplyJobs();
    return event.getString("id");
  }

  String eventStatus(String eventId) {
    return (String) one("SELECT status FROM stripe_events WHERE id = ?", eventId).get("status");
  }

  Map<String, Object> event(String eventId) {
    return one("SELECT * FROM stripe_events WHERE id = ?", eventId);
  }

  /** The tenant of a Stripe subscription: status, plan, deletion_due_at... ; null when there is none. */
  Map<String, Object> tenantOf(String subscriptionId) {
    List<Map<String, Object>> rows = query("SELECT t.*, s.status AS subscription_status, s.stripe_price_id, "
        + "s.last_event_created FROM tenants t JOIN subscriptions s ON s.tenant_id = t.id "
        + "WHERE s.stripe_subscription_id = ?", subscriptionId);
    return rows.isEmpty() ? null : rows.get(0);
  }

  long count(String sql, Object... args) {
    return ((Number) one(sql, args).values().iterator().next()).longValue();
  }

  Map<String, Object> one(String sql, Object... args) {
    List<Map<String, Object>> rows = query(sql, args);
    if (rows.size() != 1) {
      throw new IllegalStateException(rows.size() + " rows for " + sql);
    }
    return rows.get(0);
  }

  List<Map<String, Object>> query(String sql, Object... args) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "postgres", null);
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      List<Map<String, Object>> out = new ArrayList<>();
      if (s.execute()) {
        try (ResultSet rs = s.getResultSet()) {
          while (rs.next()) {
            Map<String, Object> row = new HashMap<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
            }
            out.add(row);
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}

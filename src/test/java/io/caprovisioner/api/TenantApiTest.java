package io.caprovisioner.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP API end to end: real HTTP against the service on a real PostgreSQL. The job runner is
 * off (JOB_WORKERS=0) so the statuses seen here are exactly what the API recorded.
 */
class TenantApiTest {
  @TempDir
  static Path home;
  static ProvisionerService service;
  static TestHttp http;
  static TestHttp anonymous;

  @BeforeAll
  static void start() {
    service = TestService.start(TestPostgres.freshDatabase(), home, Map.of("JOB_WORKERS", "0",
        "BASE_DOMAIN", "museums.example.org"));
    http = new TestHttp(service.port(), TestService.TOKEN);
    anonymous = new TestHttp(service.port(), null);
  }

  @AfterAll
  static void stop() {
    service.stop();
  }

  static JsonObject provision(String body) {
    TestHttp.Response r = http.post("/tenants/provision", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.object();
  }

  @Test
  void healthAndRootArePublicJson() {
    TestHttp.Response health = anonymous.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.object().getString("database")).isEqualTo("ok");
    assertThat(health.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
    assertThat(anonymous.get("/").object().getString("service")).isEqualTo("ca-provisioner");
    assertThat(anonymous.get("/ready").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /tenants", "GET /tenants/1", "GET /tenants/namespace/tenant-x",
      "DELETE /tenants/1", "GET /admin/tenants/1/status", "POST /admin/tenants/1/suspend",
      "POST /admin/tenants/1/resume", "POST /tenants/provision"})
  void everyProtectedRouteNeedsTheToken(String route) {
    String[] parts = route.split(" ");
    String body = parts[0].equals("POST") ? "{\"email\":\"a@b.org\",\"plan\":\"pro\"}" : null;
    for (String token : new String[] {null, "wrong", TestService.TOKEN + "x", ""}) {
      TestHttp.Response r = anonymous.send(parts[0], parts[1], body, token);
      assertThat(r.status()).as(route + " with token " + token).isEqualTo(401);
      assertThat(r.object().getString("error")).isEqualTo("unauthorized");
    }
    // nothing was created by the refused requests
    assertThat(http.get("/tenants?limit=1000").array().stream()
        .filter(t -> ((JsonObject) t).getString("namespace").equals("tenant-x"))).isEmpty();
  }

  @Test
  void provisionAnswers201WithTheTenantAndNoSecrets() {
    JsonObject t = provision("{\"email\":\"curator@museum.example\",\"plan\":\"pro\"}");
    String id = t.getString("name");
    assertThat(id).matches("[a-z][a-z2-7]{7}");
    assertThat(t.getString("namespace")).isEqualTo("tenant-" + id);
    assertThat(t.getString("helm_release_name")).isEqualTo("tenant-" + id);
    assertThat(t.getString("db_name")).isEqualTo("ca_" + id);
    assertThat(t.getString("db_user")).isEqualTo("ca_" + id);
    assertThat(t.getString("domain")).isEqualTo("tenant-" + id + ".museums.example.org");
    assertThat(t.getString("status")).isEqualTo("pending");
    assertThat(t.getString("source")).isEqualTo("manual");
    assertThat(t.getString("plan")).isEqualTo("pro");
    assertThat(t.fieldNames()).contains("id", "namespace", "helm_release_name", "domain", "plan", "status",
        "source", "db_name", "db_user", "stripe_customer_id", "stripe_subscription_id", "created_at",
        "updated_at", "deployed_at");
    assertThat(t.encode()).doesNotContainIgnoringCase("password").doesNotContain("curator@");

    JsonObject status = http.get("/admin/tenants/" + t.getLong("id") + "/status").object();
    assertThat(status.getJsonArray("provisioning_logs")).isNotEmpty();
    assertThat(status.getJsonArray("jobs").getJsonObject(0).getString("kind")).isEqualTo("tenant.reconcile");
    assertThat(status.getJsonArray("intents").getJsonObject(0).getString("kind")).isEqualTo("provision");
    assertThat(status.getJsonArray("jobs").getJsonObject(0).getString("state")).isEqualTo("queued");
  }

  @Test
  void provisionWithSlugAndStripeIds() {
    JsonObject t = provision("{\"email\":\"staff@example.org\",\"plan\":\"museum\",\"name\":\"city-museum\","
        + "\"stripe_customer_id\":\"cus_ABC123\",\"stripe_subscription_id\":\"sub_XYZ789\"}");
    assertThat(t.getString("namespace")).isEqualTo("tenant-city-museum");
    assertThat(t.getString("db_name")).isEqualTo("ca_city_museum");
    assertThat(t.getString("stripe_customer_id")).isEqualTo("cus_ABC123");
    assertThat(t.getString("stripe_subscription_id")).isEqualTo("sub_XYZ789");

    TestHttp.Response again = http.post("/tenants/provision",
        "{\"email\":\"other@example.org\",\"plan\":\"pro\",\"name\":\"city-museum\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.object().getString("detail")).contains("tenant-city-museum");
    TestHttp.Response sameSub = http.post("/tenants/provision",
        "{\"email\":\"other@example.org\",\"plan\":\"pro\",\"stripe_subscription_id\":\"sub_XYZ789\"}");
    assertThat(sameSub.status()).isEqualTo(409);
    assertThat(http.get("/tenants/namespace/tenant-city-museum").object().getString("plan")).isEqualTo("museum");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"email\":\"a@b.org\",\"plan\":\"platinum\"}",
      "{\"email\":\"not-an-email\",\"plan\":\"pro\"}",
      "{\"plan\":\"pro\"}",
      "{\"email\":\"a@b.org\"}",
      "{\"email\":\"a@b.org\",\"plan\":\"pro\",\"name\":\"Bad_Slug\"}",
      "{\"email\":\"a@b.org\",\"plan\":\"pro\",\"name\":\"ab\"}",
      "{\"email\":\"a@b.org\",\"plan\":\"pro\",\"name\":\"trailing-\"}",
      "{\"email\":\"a@b.org\",\"plan\":\"pro\",\"name\":\"a-very-long-slug-that-is-over-31ch\"}",
      "{\"email\":\"a@b.org\",\"plan\":\"pro\",\"stripe_customer_id\":\"x\"}",
      "{\"email\":\"a@b.org\",\"plan\":\"pro\",\"colour\":\"blue\"}",
      "{\"email\":42,\"plan\":\"pro\"}",
      "{\"email\":\"a\\u0000@b.org\",\"plan\":\"pro\"}",
      "{\"email\":\"a@b.org\",\"plan\":\"pro\\u0000\"}",
      "{\"email\":\"\u00e9t\u00e9@b.org\",\"plan\":\"pro\"}",
      "[1,2]",
      "{\"email\":\"a@b.org\",",
      ""})
  void badProvisionRequestsAre400WithJson(String body) {
    int before = http.get("/tenants?limit=1000").array().size();
    TestHttp.Response r = http.post("/tenants/provision", body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.object().getString("error")).isEqualTo("bad_request");
    assertThat(r.object().getString("detail")).isNotBlank();
    assertThat(http.get("/tenants?limit=1000").array()).hasSize(before);
  }

  @Test
  void unknownPlanNamesTheKnownOnes() {
    TestHttp.Response r = http.post("/tenants/provision", "{\"email\":\"a@b.org\",\"plan\":\"platinum\"}");
    assertThat(r.object().getString("detail")).contains("platinum").contains("starter").contains("museum");
  }

  @Test
  void bodiesOver64KibAre413() {
    String big = "{\"email\":\"a@b.org\",\"plan\":\"pro\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
    TestHttp.Response r = http.post("/tenants/provision", big);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.object().getString("error")).isEqualTo("payload_too_large");
  }

  @Test
  void pagingAndLookups() {
    List<Long> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(provision("{\"email\":\"page" + i + "@example.org\",\"plan\":\"starter\"}").getLong("id"));
    }
    JsonArray all = http.get("/tenants?limit=1000").array();
    int index = all.stream().map(o -> ((JsonObject) o).getLong("id")).toList().indexOf(ids.get(0));
    JsonArray page = http.get("/tenants?skip=" + (index + 1) + "&limit=2").array();
    assertThat(page.stream().map(o -> ((JsonObject) o).getLong("id"))).containsExactly(ids.get(1), ids.get(2));
    assertThat(http.get("/tenants?skip=100000").array()).isEmpty();
    // by key: the page after the last id seen, the same pages as by offset
    JsonArray byKey = http.get("/tenants?after=" + ids.get(0) + "&limit=2").array();
    assertThat(byKey.stream().map(o -> ((JsonObject) o).getLong("id"))).containsExactly(ids.get(1), ids.get(2));
    assertThat(http.get("/tenants?after=" + ids.get(3)).array()).isEmpty();
    TestHttp.Response both = http.get("/tenants?after=1&skip=1");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.object().getString("detail")).contains("after").contains("skip");

    for (String bad : new String[] {"limit=0", "limit=1001", "skip=-1", "limit=abc", "skip=1.5"}) {
      TestHttp.Response r = http.get("/tenants?" + bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.object().getString("detail")).as(bad).containsAnyOf("limit", "skip");
    }

    JsonObject one = http.get("/tenants/" + ids.get(3)).object();
    assertThat(http.get("/tenants/namespace/" + one.getString("namespace")).object()).isEqualTo(one);
    assertThat(http.get("/tenants/999999").status()).isEqualTo(404);
    assertThat(http.get("/tenants/namespace/tenant-nope").status()).isEqualTo(404);
    assertThat(http.get("/tenants/namespace/%00").status()).isEqualTo(404);
    assertThat(http.get("/tenants/namespace/tenant-%E2%82%AC").status()).isEqualTo(404);
    assertThat(http.get("/tenants/abc").status()).isEqualTo(400);
    assertThat(http.get("/tenants/999999").object().getString("error")).isEqualTo("not_found");
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() {
    TestHttp.Response missing = http.get("/no/such/thing");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.object().getString("error")).isEqualTo("not_found");
    TestHttp.Response wrong = http.send("PUT", "/tenants/1", "{}", TestService.TOKEN);
    assertThat(wrong.status()).isEqualTo(405);
    assertThat(wrong.object().getString("error")).isEqualTo("method_not_allowed");
  }

  @Test
  void statusRulesAreEnforced() {
    long id = provision("{\"email\":\"rules@example.org\",\"plan\":\"pro\"}").getLong("id");
    // pending: nothing to resume
    assertThat(http.post("/admin/tenants/" + id + "/resume", null).status()).isEqualTo(409);

    TestHttp.Response suspended = http.post("/admin/tenants/" + id + "/suspend", null);
    assertThat(suspended.status()).isEqualTo(200);
    assertThat(suspended.object().getString("status")).isEqualTo("suspended");
    TestHttp.Response twice = http.post("/admin/tenants/" + id + "/suspend", null);
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.object().getString("detail")).contains("suspended");

    // never deployed: resuming provisions it again
    assertThat(http.post("/admin/tenants/" + id + "/resume", null).object().getString("status"))
        .isEqualTo("provisioning");

    TestHttp.Response deleted = http.delete("/tenants/" + id);
    assertThat(deleted.status()).isEqualTo(202);
    assertThat(deleted.object().getString("status")).isEqualTo("deleting");
    assertThat(deleted.object().getString("deletion_due_at")).isNotNull();
    assertThat(http.delete("/tenants/" + id).status()).isEqualTo(409);
    assertThat(http.post("/admin/tenants/" + id + "/suspend", null).status()).isEqualTo(409);
    assertThat(http.delete("/tenants/" + id + "?purge=maybe").status()).isEqualTo(400);
    assertThat(http.delete("/tenants/424242").status()).isEqualTo(404);

    JsonObject status = http.get("/admin/tenants/" + id + "/status").object();
    assertThat(status.getJsonArray("intents").stream().map(j -> ((JsonObject) j).getString("kind")))
        .containsSubsequence("provision", "suspend", "delete");
    assertThat(status.getJsonArray("provisioning_logs").stream().map(l -> ((JsonObject) l).getString("message")))
        .anyMatch(m -> m.contains("suspended -> deleting"));
  }
}

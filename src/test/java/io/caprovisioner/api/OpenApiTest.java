package io.caprovisioner.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestService;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document against the running service: every route of its router is described (and
 * nothing that is not a route), and real answers, errors included, match the documented schemas.
 */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path home;
  static ProvisionerService service;
  static TestHttp http;
  static TestHttp anonymous;
  static JsonNode document;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(TestPostgres.freshDatabase(), home, Map.of("JOB_WORKERS", "0"));
    http = new TestHttp(service.port(), TestService.TOKEN);
    anonymous = new TestHttp(service.port(), null);
    TestHttp.Response served = anonymous.get("/openapi.json");
    assertThat(served.status()).isEqualTo(200);
    document = JSON.readTree(served.body());
  }

  @AfterAll
  static void stop() {
    service.stop();
  }

  /** {@code GET /tenants/{id}} for each documented operation. */
  static Set<String> documented() {
    Set<String> out = new TreeSet<>();
    document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
        .forEachRemaining(method -> out.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    return out;
  }

  @Test
  void theDocumentIsOpenApi31AndServedAsInTheRepository() throws Exception {
    assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
    assertThat(document).isEqualTo(JSON.readTree(Path.of("src/main/resources/openapi.json").toFile()));
  }

  @Test
  void everyRouteIsDescribedAndEveryDescriptionIsARoute() {
    Set<String> routes = new TreeSet<>();
    for (String route : service.routes()) {
      routes.add(route.replaceAll(":([A-Za-z_]+)", "{$1}"));
    }
    // a route for any method on a customer page is middleware (its rate limit), not an operation
    routes.removeIf(r -> r.startsWith("ANY /signup") || r.startsWith("ANY /welcome"));
    assertThat(routes).as("routes of the router").contains("GET /tenants/{id}", "POST /webhooks/stripe")
        .noneMatch(r -> r.startsWith("ANY "));
    assertThat(documented()).containsAll(routes);
    assertThat(routes).containsAll(documented());
  }

  @Test
  void everyOperationHasASummaryAndEveryErrorTheErrorShape() {
    document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      assertThat(op.getValue().path("summary").asText()).as(op.getKey() + " " + path.getKey()).isNotBlank();
      op.getValue().get("responses").fields().forEachRemaining(r -> {
        if (r.getKey().startsWith("4")) {
          assertThat(r.getValue().at("/content/application~1json/schema/$ref").asText())
              .as(op.getKey() + " " + path.getKey() + " " + r.getKey()).isEqualTo("#/components/schemas/Error");
        }
      });
    }));
  }

  @Test
  void realAnswersMatchTheDocumentedSchemas() {
    checked("GET", "/", anonymous.get("/"));
    checked("GET", "/health", anonymous.get("/health"));
    checked("GET", "/livez", anonymous.get("/livez"));
    checked("GET", "/readyz", anonymous.get("/readyz"));
    TestHttp.Response created = http.post("/tenants/provision",
        "{\"email\":\"curator@openapi-museum.example\",\"plan\":\"pro\",\"name\":\"openapi-museum\"}");
    checked("POST", "/tenants/provision", created);
    long id = created.object().getLong("id");
    checked("GET", "/tenants", http.get("/tenants"));
    checked("GET", "/tenants/{id}", http.get("/tenants/" + id));
    checked("GET", "/tenants/namespace/{namespace}", http.get("/tenants/namespace/tenant-openapi-museum"));
    checked("GET", "/admin/tenants/{id}/status", http.get("/admin/tenants/" + id + "/status"));
    checked("GET", "/admin/stripe/events", http.get("/admin/stripe/events"));
    checked("GET", "/admin/gitops/import", http.get("/admin/gitops/import"));
    checked("GET", "/admin/gitops/pending-deletions", http.get("/admin/gitops/pending-deletions"));
    // errors, in the documented shape
    checked("GET", "/tenants/{id}", http.get("/tenants/999999"));
    checked("GET", "/tenants/{id}", anonymous.get("/tenants/" + id));
    checked("GET", "/tenants", http.get("/tenants?limit=0"));
    checked("POST", "/tenants/provision", http.post("/tenants/provision", "{\"email\":\"a@b.org\",\"plan\":\"gold\"}"));
    checked("POST", "/admin/tenants/{id}/resume", http.post("/admin/tenants/" + id + "/resume", null));
    checked("POST", "/webhooks/stripe", anonymous.send("POST", "/webhooks/stripe", "{\"id\":\"evt_1\"}", null));
    checked("DELETE", "/tenants/{id}", http.delete("/tenants/" + id));
  }

  @Test
  void theValidatorCatchesAnAnswerThatDiffers() {
    assertThat(errors("GET", "/tenants/{id}", 200, "{\"id\":1}")).isNotEmpty();
    assertThat(errors("GET", "/livez", 200, "{\"status\":\"ok\",\"email\":\"a@b.org\"}")).isNotEmpty();
  }

  private static void checked(String method, String path, TestHttp.Response r) {
    assertThat(errors(method, path, r.status(), r.body())).as(method + " " + path + " " + r.status() + ": " + r.body())
        .isEmpty();
  }

  /** What the JSON-schema validator finds wrong with {@code body} as the answer {@code status} of the operation. */
  static Set<String> errors(String method, String path, int status, String body) {
    JsonNode response = document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT)).path("responses")
        .path(Integer.toString(status));
    assertThat(response.isMissingNode()).as(method + " " + path + " answers " + status + ", which is not documented")
        .isFalse();
    JsonNode schema = response.at("/content/application~1json/schema");
    assertThat(schema.isMissingNode()).as(method + " " + path + " " + status + " has no JSON schema").isFalse();
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.putArray("allOf").add(schema);
    root.set("components", document.get("components"));
    JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root);
    Set<String> out = new TreeSet<>();
    try {
      for (ValidationMessage m : validator.validate(JSON.readTree(body))) {
        out.add(m.getMessage());
      }
    } catch (Exception e) {
      out.add("not JSON: " + e.getMessage());
    }
    return out;
  }
}

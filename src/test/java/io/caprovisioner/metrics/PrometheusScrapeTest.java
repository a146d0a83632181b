package io.caprovisioner.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.ProvisionerService;
import io.caprovisioner.testing.TestHttp;
import io.caprovisioner.testing.TestPostgres;
import io.caprovisioner.testing.TestPrometheus;
import io.caprovisioner.testing.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import io.caprovisioner.helm.MonitoringChartTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's metrics as an operator gets them: Debian's real Prometheus scrapes the running
 * service's management port, and the test asks Prometheus' HTTP API, not the service. The job
 * runner runs; with no DB_HOST the new tenant waits at mysql.create, which is what the waiting-step
 * gauges must show.
 */
class PrometheusScrapeTest {
  @TempDir
  static Path tmp;
  static ProvisionerService service;
  static TestHttp http;
  static TestPrometheus prometheus;
  static JsonObject tenant;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(TestPrometheus.installed(),
        "/usr/bin/prometheus is missing (Debian package prometheus; .ci/run installs it): skipped");
    service = TestService.start(TestPostgres.freshDatabase(), tmp.resolve("home"), Map.of());
    http = new TestHttp(service.port(), TestService.TOKEN);
    prometheus = TestPrometheus.scraping(service.managementPort(), tmp);
    TestHttp.Response r = http.post("/tenants/provision",
        "{\"email\":\"registrar@prometheus-museum.example\",\"plan\":\"pro\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    tenant = r.object();
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (service != null) {
      service.stop();
    }
  }

  private static double value(String expr) {
    JsonObject answer = prometheus.query(expr);
    assertThat(answer.getString("status")).as(answer.encode()).isEqualTo("success");
    JsonArray result = answer.getJsonObject("data").getJsonArray("result");
    return result.isEmpty() ? Double.NaN : Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
  }

  @Test
  void prometheusSeesTheProvisionedTenantByStatusAndPlan() {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(value("sum(ca_tenants{status=\"provisioning\",plan=\"pro\"})")).isEqualTo(1.0));
    assertThat(value("sum(ca_tenants{plan=\"pro\"})")).isEqualTo(1.0);
    assertThat(value("sum(ca_tenants{status=\"active\"})")).isZero();
  }

  @Test
  void theWaitingStepAndItsAgeAreSeries() {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(value("ca_tenant_steps{step=\"mysql.create\",state=\"waiting\"}")).isEqualTo(1.0));
    assertThat(value("ca_tenant_step_oldest_age_seconds{step=\"mysql.create\",state=\"waiting\"}")).isNotNaN()
        .isGreaterThanOrEqualTo(0.0);
    assertThat(value("sum(ca_tenant_step_duration_seconds_count{step=\"git.commit\",result=\"done\"})")).isEqualTo(1.0);
    assertThat(value("sum(ca_gitops_push_seconds_count{result=\"accepted\"})")).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void httpMetricsCarryTheRouteTemplateNeverTheRawPath() {
    long id = tenant.getLong("id");
    assertThat(http.get("/tenants/" + id).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(value("sum(vertx_http_server_requests_total{route=\"/tenants/:id\",code=\"200\"})")).isEqualTo(1.0));
    assertThat(value("count(vertx_http_server_requests_total{route=~\".*/" + id + "\"})")).isNaN();
    assertThat(value("sum(jvm_memory_used_bytes)")).isPositive();
    assertThat(value("max(vertx_pool_in_use{pool_type=\"sql\",pool_name=\"postgres\"})")).isNotNaN();
  }

  /** Prometheus itself parses every expression the chart ships; and says so when one does not parse. */
  @Test
  void everyDashboardAndAlertExpressionParses() throws Exception {
    List<String> exprs = new ArrayList<>(MonitoringChartTest.dashboardExpressions());
    exprs.addAll(MonitoringChartTest.alertExpressions());
    assertThat(exprs).hasSizeGreaterThan(20);
    for (String expr : exprs) {
      JsonObject answer = prometheus.query(expr);
      assertThat(answer.getString("status")).as(expr + " -> " + answer.encode()).isEqualTo("success");
    }
    assertThat(prometheus.query("sum(rate(ca_tenants[5m])").getString("errorType")).isEqualTo("bad_data");
  }

  /** The dashboard draws the fleet from series that exist: its tenants panel shows the new tenant. */
  @Test
  void theDashboardsTenantsPanelShowsTheTenant() throws Exception {
    String tenantsByStatus = MonitoringChartTest.dashboardExpressions().get(0);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonArray result = prometheus.query(tenantsByStatus).getJsonObject("data").getJsonArray("result");
      assertThat(result.stream().map(JsonObject.class::cast)
          .filter(r -> "provisioning".equals(r.getJsonObject("metric").getString("status")))
          .map(r -> r.getJsonArray("value").getString(1))).containsExactly("1");
    });
  }

  @Test
  void noTenantNameOrEmailIsALabel() throws Exception {
    String exposition = new TestHttp(service.managementPort(), null).get("/metrics").body();
    assertThat(exposition).contains("ca_tenants{").doesNotContain(tenant.getString("namespace"))
        .doesNotContain(tenant.getString("name")).doesNotContain("prometheus-museum");
  }
}

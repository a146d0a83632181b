package io.caprovisioner.rollout;

import io.caprovisioner.pipeline.TestBreakers;
import static io.caprovisioner.jobs.QueueFixture.await;

import io.caprovisioner.app.TenantPipelineWiring;
import io.caprovisioner.backup.LocalJobRunner;
import io.caprovisioner.testing.TestS3;
import java.nio.file.Files;
import java.nio.file.Path;
import io.caprovisioner.config.Config;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.QueueFixture;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.mysql.TestMariaDb;
import io.caprovisioner.pipeline.FakeControllers;
import io.caprovisioner.pipeline.DependencySlots;
import io.caprovisioner.pipeline.StepObserver;
import io.caprovisioner.pipeline.TestConfigs;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rollout of a new image over N tenants on fabric8's mock API server (CRUD mode; this program
 * plays Argo CD and the Job controller, as {@link FleetRolloutTest} does, with the same polls), the
 * real reconciler, driver and PostgreSQL, MariaDB, S3Proxy for the pre-upgrade backups (their Jobs'
 * scripts run here, with the real mariadb-dump and curl) and a local HTTP server as the sites. Prints the
 * median time per tenant (its upgrade recorded to done) and each wave's overhead (the last tenant
 * of a wave done to the first of the next started). The mock cluster answers at once, so the time
 * per tenant is the service's own cost, a real backup of a small database, and the polls; never a
 * real sync or schema update. Figures,
 * not assertions. Run with the test class path (see the README's Develop section):
 * {@code java -cp $CP io.caprovisioner.rollout.RolloutBenchmark [tenants=20]}.
 */
public final class RolloutBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    KubernetesMockServer kube = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    kube.init();
    KubernetesClient client = kube.createClient();
    QueueFixture db = new QueueFixture();
    RecordingGitops gitops = new RecordingGitops();
    FakeControllers controllers = new FakeControllers(client, gitops.repo.repo::values, gitops);
    TestS3 s3 = new TestS3("ca-backups");
    LocalJobRunner kubelet = new LocalJobRunner(client, Path.of("target", "mariadb-binaries", "bin"),
        Files.createTempDirectory("rollout-bench-media"));
    controllers.jobWork = job -> LocalJobRunner.handles(job) ? Optional.of(kubelet.run(job)) : Optional.empty();
    HttpServer site = await(db.vertx.createHttpServer().requestHandler(req -> req.response().end("ok"))
        .listen(0, "127.0.0.1"));
    Config.TenantMysql m = TestMariaDb.start();
    Map<String, String> env = new HashMap<>(Map.of("DB_HOST", m.host().get(), "DB_PORT", Integer.toString(m.port()),
        "DB_USER", m.user(), "DB_PASSWORD", m.password().get()));
    env.putAll(s3.env());
    Config config = TestConfigs.config(env);
    TenantLifecycle lifecycle = new TenantLifecycle(db.pool, config.tenants(), config.plans());
    SharedMysql mysql = new SharedMysql(db.vertx, config.mysql());
    SiteProbe probe = SiteProbe.http(db.vertx, names -> "http://127.0.0.1:" + site.actualPort() + "/"
        + names.namespace());
    JobRunner runner = new JobRunner(db.vertx, db.pool, QueueFixture.fast(4, "bench"));
    var k8s = db.vertx.createSharedWorkerExecutor("bench-k8s", 4);
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
            client, k8s, mysql, FleetRolloutTest.FAST, StepObserver.NONE,
            TenantPipelineWiring.breakers(db.vertx, db.pool, gitops, client, k8s, mysql, TestBreakers.PROBING),
            DependencySlots.unbounded(), RolloutSteps.of(probe, Duration.ofMillis(100), Duration.ofSeconds(60)),
            new RolloutFailures()))
        .register(JobKind.ROLLOUT_ADVANCE.wire(), new RolloutDriver(lifecycle, Duration.ofMillis(100)));
    await(runner.start());
    long timer = db.vertx.setPeriodic(100, t -> db.vertx.executeBlocking(() -> {
      controllers.reconcile();
      return null;
    }, false));
    try {
      List<Long> ids = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        ids.add(await(lifecycle.provision(new ProvisionRequest("bench" + i + "@museum.example", "starter",
            Optional.of(String.format("bench-%04d", i)), TenantSource.MANUAL, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), "bench"))).id());
      }
      TenantRepository tenants = new TenantRepository();
      waitUntil(() -> ids.stream().allMatch(id -> await(tenants.byId(db.pool, id)).map(Tenant::status)
          .orElseThrow() == TenantStatus.ACTIVE), Duration.ofMinutes(10));
      Rollouts rollouts = new Rollouts(db.pool, lifecycle, config.chart().version(), config.tenants().image());
      long started = System.nanoTime();
      long id = await(rollouts.start(RolloutRequest.parse(new JsonObject().put("image", FleetRolloutTest.NEW_IMAGE)
          .put("selector", new JsonObject().put("all", true))
          .put("waves", new JsonArray().add(1).add("10%").add("50%").add("100%"))), "bench")).getLong("id");
      waitUntil(() -> await(rollouts.status(id)).getString("state").equals("completed"), Duration.ofMinutes(10));
      double total = (System.nanoTime() - started) / 1e9;
      report(await(rollouts.status(id)), n, total);
    } finally {
      db.vertx.cancelTimer(timer);
      await(runner.stop());
      mysql.close();
      db.close();
      client.close();
      kube.destroy();
      s3.close();
    }
  }

  private static void report(JsonObject status, int n, double totalSeconds) {
    List<Double> perTenant = new ArrayList<>();
    List<String> overheads = new ArrayList<>();
    OffsetDateTime lastDone = null;
    for (Object w : status.getJsonArray("waves")) {
      JsonObject wave = (JsonObject) w;
      OffsetDateTime firstStart = null;
      OffsetDateTime waveDone = null;
      for (Object t : wave.getJsonArray("tenants")) {
        JsonObject m = (JsonObject) t;
        OffsetDateTime s = OffsetDateTime.parse(m.getString("started_at"));
        OffsetDateTime f = OffsetDateTime.parse(m.getString("finished_at"));
        perTenant.add(Duration.between(s, f).toMillis() / 1000.0);
        firstStart = firstStart == null || s.isBefore(firstStart) ? s : firstStart;
        waveDone = waveDone == null || f.isAfter(waveDone) ? f : waveDone;
      }
      if (lastDone != null) {
        overheads.add(String.format("%.2f", Duration.between(lastDone, firstStart).toMillis() / 1000.0));
      }
      lastDone = waveDone;
    }
    perTenant.sort(Double::compare);
    System.out.println("# rollout of a new image over " + n + " tenants, waves [1, 10%, 50%, 100%], mock cluster");
    System.out.printf("rollout_tenant_seconds_median: %.2f%n", perTenant.get(perTenant.size() / 2));
    System.out.printf("rollout_tenant_seconds_max: %.2f%n", perTenant.get(perTenant.size() - 1));
    System.out.println("rollout_wave_overhead_seconds: " + String.join(", ", overheads));
    System.out.printf("rollout_total_seconds: %.2f%n", totalSeconds);
  }

  private static void waitUntil(java.util.function.BooleanSupplier done, Duration atMost) throws InterruptedException {
    long until = System.nanoTime() + atMost.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("not done within " + atMost);
      }
      Thread.sleep(100);
    }
  }
}

package io.caprovisioner.pipeline;

import static io.caprovisioner.jobs.QueueFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.TenantPipelineWiring;
import io.caprovisioner.config.Config;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.QueueFixture;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.EmbeddedMariaDb;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.mysql.TestMariaDb;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.testing.CountingForwarder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenants waiting on an unreachable dependency are parked, not polled: a real MariaDB (its own,
 * stopped and started again) as the shared MySQL behind a forwarder that counts every connection
 * attempt, and fabric8's mock API server in CRUD mode (Kubernetes cannot run here) stopped and
 * started on the same port. The gitops repository is the test double; nothing plays Argo CD, so
 * tenants end at argocd.await.
 */
class ParkedTenantsTest {
  private static final int TENANTS = 30;
  private QueueFixture db;
  private FakeGitops gitops;
  private JobRunner runner;
  private SharedMysql mysql;
  private DependencyBreakers breakers;
  private TenantLifecycle lifecycle;
  private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
  private final List<AutoCloseable> closeLast = new ArrayList<>();

  /** Counts every try of every step: while tenants are parked, none may run. */
  private final StepObserver counting = new StepObserver() {
    @Override
    public void stepTried(String step, StepResult result, Duration took) {
      tries.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
    }
  };

  @BeforeEach
  void start() {
    db = new QueueFixture();
    gitops = new FakeGitops();
  }

  @AfterEach
  void stop() throws Exception {
    if (runner != null) {
      breakers.close();
      await(runner.stop());
      mysql.close();
    }
    db.close();
    for (AutoCloseable c : closeLast) {
      c.close();
    }
  }

  private void startRunner(Config.TenantMysql shared, KubernetesClient kube) {
    Map<String, String> env = new HashMap<>(Map.of("DB_HOST", shared.host().get(), "DB_PORT",
        Integer.toString(shared.port()), "DB_USER", shared.user(), "DB_PASSWORD", shared.password().get()));
    Config config = TestConfigs.config(env);
    lifecycle = new TenantLifecycle(db.pool, config.tenants(), config.plans());
    mysql = new SharedMysql(db.vertx, config.mysql());
    WorkerExecutor k8sWorkers = db.vertx.createSharedWorkerExecutor("test-k8s", 2);
    breakers = TenantPipelineWiring.breakers(db.vertx, db.pool, gitops, kube, k8sWorkers, mysql,
        TenantPipelineTest.PROBING);
    runner = new JobRunner(db.vertx, db.pool, QueueFixture.fast(2, "parking"));
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
        kube, k8sWorkers, mysql, TenantPipelineTest.FAST, counting, breakers));
    await(runner.start());
  }

  private List<Tenant> provision(String prefix, int n) {
    List<Tenant> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(await(lifecycle.provision(new ProvisionRequest(prefix + i + "@museum.example", "starter",
          Optional.of(prefix + "-" + i), TenantSource.MANUAL, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), "test"))));
    }
    return out;
  }

  private int parkedOn(String dependency) {
    return db.rows("SELECT 1 FROM jobs WHERE state = 'queued' AND parked_on = $1 AND run_after > now() + "
        + "interval '5 minutes'", dependency).size();
  }

  private int tried(String step) {
    return tries.getOrDefault(step, new AtomicInteger()).get();
  }

  private static KubernetesClient client(int port) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port)
        .withRequestRetryBackoffLimit(0).withConnectionTimeout(500).withRequestTimeout(2_000).build()).build();
  }

  @Test
  void tenantsParkedOnAStoppedMysqlCostNoCallsAndAllProceedOnceItIsBack() throws Exception {
    Path dir = Files.createTempDirectory("ca-parking-mariadb");
    Path binaries = Path.of("target", "mariadb-binaries");
    EmbeddedMariaDb server = EmbeddedMariaDb.start(dir, binaries, db.vertx);
    Config.TenantMysql account = server.account();
    CountingForwarder forwarder = new CountingForwarder(account.port());
    closeLast.add(forwarder);
    Config.TenantMysql shared = new Config.TenantMysql(account.host(), forwarder.port(), account.user(),
        account.password());
    server.close(); // the shared MySQL is down before the first tenant arrives
    KubernetesMockServer cluster = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    cluster.init(InetAddress.getLoopbackAddress(), 0);
    closeLast.add(cluster::destroy);
    KubernetesClient kube = client(cluster.getPort());
    closeLast.add(kube);
    startRunner(shared, kube);

    List<Tenant> tenants = provision("museum", TENANTS);
    await().atMost(Duration.ofSeconds(60)).until(() -> parkedOn("mysql") == TENANTS);
    for (Tenant t : tenants) {
      assertThat(await(new io.caprovisioner.db.TenantRepository().byId(db.pool, t.id())).orElseThrow().statusDetail())
          .hasValueSatisfying(d -> assertThat(d).startsWith("waiting at mysql.create: MySQL at 127.0.0.1:"
              + forwarder.port() + " is unreachable"));
    }
    // the first tries (one per job slot) opened the breaker; the others parked without calling
    int triesWhenParked = tried("mysql.create");
    int callsWhenParked = forwarder.connections();
    assertThat(triesWhenParked).isEqualTo(TENANTS);
    assertThat(callsWhenParked).as("connection attempts while %d tenants parked", TENANTS).isLessThan(TENANTS / 3);

    // parked: no step runs, and only the one probe knocks (200 ms, 400, 800, then every second)
    Thread.sleep(4_000);
    assertThat(tried("mysql.create")).isEqualTo(triesWhenParked);
    assertThat(tries.keySet()).containsOnly("git.commit", "mysql.create");
    assertThat(forwarder.connections() - callsWhenParked).as("probe looks in 4 s").isBetween(1, 7);
    assertThat(db.rows("SELECT 1 FROM provisioning_logs WHERE status = 'waiting' AND action = 'mysql.create'"))
        .hasSize(TENANTS);

    // their safety net runs out while MySQL is still down: claimed, and back to sleep without a step
    var before = db.rows("SELECT now()").get(0).getOffsetDateTime(0);
    db.rows("UPDATE jobs SET run_after = now() WHERE parked_on = 'mysql'");
    await().atMost(Duration.ofSeconds(30)).until(() -> db.rows("SELECT 1 FROM jobs WHERE parked_on = 'mysql' "
        + "AND run_after > now() + interval '5 minutes' AND started_at > $1", before).size() == TENANTS);
    assertThat(tried("mysql.create")).isEqualTo(triesWhenParked);
    assertThat(db.rows("SELECT 1 FROM tenants WHERE status_detail LIKE 'waiting at mysql.create: MySQL at %'"))
        .hasSize(TENANTS);

    // MySQL is back (on another port: the forwarder keeps the address): the probe wakes every tenant
    EmbeddedMariaDb again = EmbeddedMariaDb.start(dir, binaries, db.vertx);
    closeLast.add(again);
    forwarder.retarget(again.account().port());
    await().atMost(Duration.ofSeconds(60)).until(() -> db.rows("SELECT 1 FROM tenant_steps WHERE step = "
        + "'mysql.create' AND state = 'done'").size() == TENANTS);
    assertThat(parkedOn("mysql")).isZero();
    assertThat(await(mysql.admin().query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME "
        + "LIKE 'ca\\_museum\\_%'").execute()).iterator().next().getLong(0)).isEqualTo(TENANTS);
    // each tenant said once why it waited, and no attempt was spent on the outage
    assertThat(db.rows("SELECT 1 FROM provisioning_logs WHERE status = 'waiting' AND action = 'mysql.create'"))
        .hasSize(TENANTS);
    assertThat(db.rows("SELECT 1 FROM provisioning_logs WHERE status = 'failed'")).isEmpty();
  }

  @Test
  void tenantsParkedOnAStoppedClusterProceedWhenTheApiServerIsBackOnItsAddress() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    // one dispatcher for both lives of the server: what was stored survives the restart, like etcd
    KubernetesCrudDispatcher etcd = new KubernetesCrudDispatcher();
    KubernetesClient kube = client(port);
    closeLast.add(kube);
    startRunner(TestMariaDb.start(), kube); // nothing listens on the API server's port yet

    List<Tenant> tenants = provision("gallery", 12);
    await().atMost(Duration.ofSeconds(60)).until(() -> parkedOn("kubernetes") == 12);
    assertThat(db.rows("SELECT status_detail FROM tenants WHERE status_detail LIKE 'waiting at k8s.prepare: "
        + "Kubernetes API at http://127.0.0.1:" + port + "/ is unreachable%'")).hasSize(12);
    int prepared = tried("k8s.prepare");
    Thread.sleep(3_000);
    assertThat(tried("k8s.prepare")).as("no step runs while parked").isEqualTo(prepared);

    KubernetesMockServer cluster = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), etcd,
        false);
    cluster.init(InetAddress.getLoopbackAddress(), port);
    closeLast.add(cluster::destroy);
    await().atMost(Duration.ofSeconds(60)).until(() -> db.rows("SELECT 1 FROM tenant_steps WHERE step = "
        + "'k8s.prepare' AND state = 'done'").size() == 12);
    for (Tenant t : tenants) {
      assertThat(kube.namespaces().withName(t.names().namespace()).get()).isNotNull();
      assertThat(kube.secrets().inNamespace(t.names().namespace()).withName("ca-db").get()).isNotNull();
    }
    assertThat(parkedOn("kubernetes")).isZero();
  }
}

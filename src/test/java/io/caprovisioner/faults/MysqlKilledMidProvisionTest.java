package io.caprovisioner.faults;

import static io.caprovisioner.jobs.QueueFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.TenantPipelineWiring;
import io.caprovisioner.config.Config;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.QueueFixture;
import io.caprovisioner.k8s.model.TenantSecrets;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.EmbeddedMariaDb;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.pipeline.DependencyBreakers;
import io.caprovisioner.pipeline.FakeControllers;
import io.caprovisioner.pipeline.FakeGitops;
import io.caprovisioner.pipeline.PipelineOptions;
import io.caprovisioner.pipeline.StepObserver;
import io.caprovisioner.pipeline.TestBreakers;
import io.caprovisioner.pipeline.TestConfigs;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.testing.CountingForwarder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The audit's shared MySQL killed mid-provision: a real MariaDB of the test's own gets SIGKILL
 * while tenants are creating their databases, and is started again on its data a few seconds
 * later (on another port: a forwarder keeps the address). Every tenant becomes active exactly once,
 * no attempt is spent on the outage, and no database or account is made twice. Real PostgreSQL;
 * fabric8's mock server in CRUD mode, where the test plays Argo CD and the Job controller
 * ({@link FakeControllers}); the gitops repository is the test double.
 */
@Tag("faults")
@EnableKubernetesMockClient(crud = true)
class MysqlKilledMidProvisionTest {
  private static final int TENANTS = 12;
  /** Short polls and retries, so the test's tenants move as fast as the real parts let them. */
  private static final PipelineOptions FAST = new PipelineOptions(Duration.ofMillis(200), Duration.ofMillis(100),
      Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(30), "/var/www/html");
  static KubernetesClient client;

  private final QueueFixture db = new QueueFixture();
  private final FakeGitops gitops = new FakeGitops();
  private final List<AutoCloseable> closeLast = new ArrayList<>();
  private JobRunner runner;
  private DependencyBreakers breakers;
  private SharedMysql mysql;
  private long controllerTimer = -1;

  @AfterEach
  void stop() throws Exception {
    db.vertx.cancelTimer(controllerTimer);
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

  @Test
  void aMysqlKilledWhileTenantsCreateTheirDatabasesCostsNoAttemptAndEachTenantBecomesActiveOnce() throws Exception {
    Path dir = Files.createTempDirectory("ca-killed-mariadb");
    Path binaries = Path.of("target", "mariadb-binaries");
    EmbeddedMariaDb first = EmbeddedMariaDb.start(dir, binaries, db.vertx);
    closeLast.add(first);
    CountingForwarder forwarder = new CountingForwarder(first.account().port());
    closeLast.add(forwarder);
    Config.TenantMysql account = first.account();
    Config config = TestConfigs.config(Map.of("DB_HOST", account.host().get(), "DB_PORT",
        Integer.toString(forwarder.port()), "DB_USER", account.user(), "DB_PASSWORD", account.password().get()));
    TenantLifecycle lifecycle = new TenantLifecycle(db.pool, config.tenants(), config.plans());
    mysql = new SharedMysql(db.vertx, config.mysql());
    var k8sWorkers = db.vertx.createSharedWorkerExecutor("killed-k8s", 4);
    breakers = TenantPipelineWiring.breakers(db.vertx, db.pool, gitops, client, k8sWorkers, mysql,
        TestBreakers.PROBING);
    runner = new JobRunner(db.vertx, db.pool, QueueFixture.fast(4, "killed"));
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
        client, k8sWorkers, mysql, FAST, StepObserver.NONE, breakers));
    FakeControllers controllers = new FakeControllers(client, gitops.repo::values, gitops);
    controllerTimer = db.vertx.setPeriodic(100, t -> db.vertx.executeBlocking(() -> {
      controllers.reconcile();
      return null;
    }, false));
    await(runner.start());

    for (int i = 0; i < TENANTS; i++) {
      await(lifecycle.provision(new ProvisionRequest("curator" + i + "@museum.example", "starter",
          Optional.of("killed-" + i), TenantSource.MANUAL, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), "test")));
    }
    // the first database is made: the others are being made or next, when the server dies
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> mysqlCreated() >= 1);
    ProcessHandle mariadbd = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("data/mariadbd.pid"))
        .trim())).orElseThrow();
    mariadbd.destroyForcibly(); // SIGKILL
    mariadbd.onExit().get(30, TimeUnit.SECONDS);
    int createdBeforeTheKill = mysqlCreated();
    assertThat(createdBeforeTheKill).as("tenants past mysql.create when MySQL was killed").isLessThan(TENANTS);
    await().atMost(Duration.ofSeconds(20)).until(() -> db.rows("SELECT 1 FROM tenants WHERE status_detail LIKE "
        + "'waiting at mysql.create: MySQL at 127.0.0.1:" + forwarder.port() + " is unreachable%'").size() >= 1);
    Thread.sleep(3_000);

    EmbeddedMariaDb again = EmbeddedMariaDb.start(dir, binaries, db.vertx);
    closeLast.add(again);
    forwarder.retarget(again.account().port());

    await().atMost(Duration.ofSeconds(60)).until(() -> db.rows("SELECT 1 FROM tenants WHERE status = 'active'")
        .size() == TENANTS);
    System.out.printf("%d of %d tenants were past mysql.create when MySQL was killed%n", createdBeforeTheKill,
        TENANTS);
    // no attempt spent: each reconcile ran to its end in the attempt that finished it, nothing failed
    // (a job is settled just after its last step committed the tenant's status: give it that moment)
    await().atMost(Duration.ofSeconds(10)).until(() -> db.rows("SELECT 1 FROM jobs WHERE kind = 'tenant.reconcile' "
        + "AND state = 'done'").size() >= TENANTS);
    assertThat(db.rows("SELECT 1 FROM jobs WHERE kind = 'tenant.reconcile' AND state = 'done' AND attempts = 1 "
        + "AND last_error IS NULL")).hasSize(TENANTS);
    assertThat(db.rows("SELECT 1 FROM provisioning_logs WHERE status = 'failed'")).isEmpty();
    assertThat(db.rows("SELECT 1 FROM tenant_steps WHERE step = 'mysql.create' AND state = 'done' AND attempts <= 1"))
        .hasSize(TENANTS);
    // exactly once: one welcome message per tenant (written with its move to active), one database and account each
    assertThat(db.rows("SELECT tenant_id FROM outbound_messages WHERE kind = 'welcome' GROUP BY tenant_id "
        + "HAVING count(*) = 1")).hasSize(TENANTS);
    assertThat(await(mysql.admin().query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME "
        + "LIKE 'ca\\_killed\\_%'").execute()).iterator().next().getLong(0)).isEqualTo(TENANTS);
    assertThat(await(mysql.admin().query("SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'ca\\_killed\\_%'")
        .execute()).iterator().next().getLong(0)).isEqualTo(TENANTS);
    // and each account opens its database with the password the tenant keeps (its Secret ca-db)
    for (var row : db.rows("SELECT id FROM tenants")) {
      String namespace = db.rows("SELECT namespace FROM tenants WHERE id = $1", row.getLong(0)).get(0).getString(0);
      String password = TenantSecrets.values(client.secrets().inNamespace(namespace)
          .withName(TenantSecrets.DATABASE).get()).get("password");
      String user = db.rows("SELECT db_user FROM tenants WHERE id = $1", row.getLong(0)).get(0).getString(0);
      assertThat(await(mysql.canLogIn(user, password))).as("%s logs in with its kept password", user).isTrue();
    }
  }

  private int mysqlCreated() {
    return db.rows("SELECT 1 FROM tenant_steps WHERE step = 'mysql.create' AND state = 'done'").size();
  }
}

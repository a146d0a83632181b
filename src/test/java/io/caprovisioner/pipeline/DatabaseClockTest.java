package io.caprovisioner.pipeline;

import static io.caprovisioner.jobs.QueueFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.TenantPipelineWiring;
import io.caprovisioner.config.Config;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.QueueFixture;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.mysql.TestMariaDb;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantStatus;
import io.caprovisioner.testing.TestPostgres;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retention dates and step timeouts follow the database's clock, the one every replica shares,
 * not the clock of the replica that happens to run the step. Here the database's clock runs two
 * hours ahead of this JVM's (as if this replica's clock were two hours behind): the test
 * database gets a {@code now()} of its own, found before {@code pg_catalog}'s on its search path.
 * Real PostgreSQL and MariaDB, fabric8's mock API server in CRUD mode (Kubernetes cannot run
 * here); the test plays Argo CD and the Job controller ({@link FakeControllers}).
 */
@EnableKubernetesMockClient(crud = true)
class DatabaseClockTest {
  static KubernetesClient client;

  private final QueueFixture db = new QueueFixture();
  private JobRunner runner;
  private SharedMysql mysql;
  private long controllerTimer;

  @AfterEach
  void stop() {
    db.vertx.cancelTimer(controllerTimer);
    if (runner != null) {
      await(runner.stop());
      mysql.close();
    }
    db.close();
  }

  /** Before the pool opens its first connection: every session of the service sees the skewed clock. */
  private void databaseClockAheadBy(String interval) throws Exception {
    try (Connection c = TestPostgres.server().getDatabase("postgres", db.url.database()).getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql STABLE "
          + "AS $$ SELECT pg_catalog.now() + interval '" + interval + "' $$");
      s.execute("ALTER DATABASE " + db.url.database() + " SET search_path = public, pg_catalog");
    }
  }

  @Test
  void retentionCountsOnTheDatabasesClock() throws Exception {
    databaseClockAheadBy("2 hours");
    Config.TenantMysql m = TestMariaDb.start();
    Config config = TestConfigs.config(Map.of("DB_HOST", m.host().get(), "DB_PORT", Integer.toString(m.port()),
        "DB_USER", m.user(), "DB_PASSWORD", m.password().get(), "TENANT_RETENTION_DAYS", "1",
        "BACKUP_FINAL_DAYS", "0")); // no backup storage here: the purge would wait for its final backup
    FakeGitops gitops = new FakeGitops();
    FakeControllers controllers = new FakeControllers(client, gitops);
    TenantLifecycle lifecycle = new TenantLifecycle(db.pool, config.tenants(), config.plans());
    mysql = new SharedMysql(db.vertx, config.mysql());
    runner = new JobRunner(db.vertx, db.pool, QueueFixture.fast(2, "clock"));
    var k8s = db.vertx.createSharedWorkerExecutor("clock-k8s", 2);
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
        client, k8s, mysql, TenantPipelineTest.FAST, StepObserver.NONE,
        TenantPipelineWiring.breakers(db.vertx, db.pool, gitops, client, k8s, mysql, TenantPipelineTest.PROBING)));
    await(runner.start());
    controllerTimer = db.vertx.setPeriodic(100, t -> db.vertx.executeBlocking(() -> {
      controllers.reconcile();
      return null;
    }, false));

    Tenant t = await(lifecycle.provision(new ProvisionRequest("x@museum.example", "starter", Optional.of("museum-clock"),
        TenantSource.MANUAL, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "test")));
    await().atMost(Duration.ofSeconds(90)).until(() -> status(t.id()) == TenantStatus.ACTIVE);

    // a day's retention is a day on the database's clock, not 22 hours
    await(lifecycle.delete(t.id(), false, "customer", Optional.empty()));
    await().atMost(Duration.ofSeconds(30)).until(() -> detail(t.id()).startsWith("waiting at retention: data kept until"));
    double keptHours = db.rows("SELECT EXTRACT(EPOCH FROM (deletion_due_at - now())) / 3600 FROM tenants WHERE id = $1",
        t.id()).get(0).getDouble(0);
    assertThat(keptHours).isBetween(23.9, 24.0);

    // the date passed an hour ago on the database's clock (on this replica's, it is an hour ahead):
    // the data goes now
    db.rows("UPDATE tenants SET deletion_due_at = now() - interval '1 hour' WHERE id = $1", t.id());
    db.rows("UPDATE jobs SET run_after = pg_catalog.now() - interval '1 day' WHERE tenant_id = $1 AND state = 'queued'",
        t.id());
    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.DELETED);
  }

  private Tenant tenant(long id) {
    return await(new TenantRepository().byId(db.pool, id)).orElseThrow();
  }

  private TenantStatus status(long id) {
    return tenant(id).status();
  }

  private String detail(long id) {
    return tenant(id).statusDetail().orElse("");
  }
}

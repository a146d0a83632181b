package io.caprovisioner.pipeline;

import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.TenantProgress;
import io.caprovisioner.app.TenantPipelineWiring;
import io.caprovisioner.jobs.QueueFixture;

import static io.caprovisioner.jobs.QueueFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.config.Config;
import io.caprovisioner.crypto.SecretBox;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.k8s.GitopsResources;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.mysql.TestMariaDb;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import io.caprovisioner.tenant.TenantStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tenant reconciler end to end: real PostgreSQL (queue, tenants), real MariaDB (shared MySQL),
 * fabric8's mock API server in CRUD mode (Kubernetes cannot run here); a fake gitops repository;
 * the test plays Argo CD and the Job controller ({@link FakeControllers}).
 */
@EnableKubernetesMockClient(crud = true)
class TenantPipelineTest {
  static KubernetesClient client;

  private QueueFixture db;
  private FakeGitops gitops;
  private FakeControllers controllers;
  private JobRunner runner;
  private SharedMysql runnerMysql;
  private DependencyBreakers breakers;
  private TenantLifecycle lifecycle;
  private Config config;
  private long controllerTimer;

  @BeforeEach
  void start() {
    db = new QueueFixture();
    gitops = new FakeGitops();
    controllers = new FakeControllers(client, gitops);
  }

  private void startRunner(Map<String, String> env) {
    startRunner(env, client, FAST);
  }

  static final PipelineOptions FAST = new PipelineOptions(Duration.ofMillis(200), Duration.ofMillis(100),
      Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(30), "/var/www/html");

  /** Parked tenants sleep 10 minutes unless woken: anything sooner in a test is a wake. */
  static final DependencyBreakers.Timing PROBING = TestBreakers.PROBING;

  private void startRunner(Map<String, String> env, KubernetesClient kube, PipelineOptions options) {
    config = TestConfigs.config(env);
    lifecycle = new TenantLifecycle(db.pool, config.tenants(), config.plans());
    runnerMysql = new SharedMysql(db.vertx, config.mysql());
    runner = new JobRunner(db.vertx, db.pool, QueueFixture.fast(2, "pipeline"));
    var k8sWorkers = db.vertx.createSharedWorkerExecutor("test-k8s", 2);
    breakers = TenantPipelineWiring.breakers(db.vertx, db.pool, gitops, kube, k8sWorkers, runnerMysql, PROBING);
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
        kube, k8sWorkers, runnerMysql, options, StepObserver.NONE, breakers));
    await(runner.start());
    controllerTimer = db.vertx.setPeriodic(100, t -> db.vertx.executeBlocking(() -> {
      controllers.reconcile();
      return null;
    }, false));
  }

  private void stopRunner() {
    db.vertx.cancelTimer(controllerTimer);
    breakers.close();
    await(runner.stop());
    runnerMysql.close();
    runner = null;
  }

  private void startWithMysql(Map<String, String> more) {
    Config.TenantMysql m = TestMariaDb.start();
    Map<String, String> env = new HashMap<>(Map.of("DB_HOST", m.host().get(), "DB_PORT", Integer.toString(m.port()),
        "DB_USER", m.user(), "DB_PASSWORD", m.password().get()));
    env.putAll(more);
    startRunner(env);
  }

  @AfterEach
  void stop() {
    db.vertx.cancelTimer(controllerTimer);
    if (runner != null) {
      stopRunner();
    }
    db.close();
  }

  private Tenant provision(String slug, String email) {
    return await(lifecycle.provision(new ProvisionRequest(email, "starter", Optional.of(slug), TenantSource.MANUAL,
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "test")));
  }

  private Tenant tenant(long id) {
    return await(new TenantRepository().byId(db.pool, id)).orElseThrow();
  }

  private TenantStatus status(long id) {
    return tenant(id).status();
  }

  private boolean jobsSettled(long tenantId) {
    return db.rows("SELECT id FROM jobs WHERE tenant_id = $1 AND state IN ('queued','running')", tenantId).isEmpty();
  }

  private JsonArray steps(long tenantId) {
    return await(new TenantProgress().of(db.pool, tenantId)).getJsonArray("steps");
  }

  /** The steps that did something (logged as succeeded) after log entry {@code afterId}. */
  private java.util.List<String> stepsDoneAfter(long tenantId, long afterId) {
    return db.rows("SELECT action FROM provisioning_logs WHERE tenant_id = $1 AND id > $2 AND status = 'succeeded' "
        + "ORDER BY id", tenantId, afterId).stream().map(r -> r.getString(0)).toList();
  }

  private long lastLogId(long tenantId) {
    return db.rows("SELECT coalesce(max(id), 0) FROM provisioning_logs WHERE tenant_id = $1", tenantId).get(0)
        .getLong(0);
  }

  @Test
  void provisioningRunsEveryStepAndOnlyThenMarksTheTenantActive() {
    startWithMysql(Map.of());
    Tenant t = provision("museum-one", "curator@museum.example");

    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.ACTIVE);
    Tenant active = tenant(t.id());
    assertThat(active.deployedAt()).isPresent();
    assertThat(gitops.commits).containsExactly("c1 provision tenant-museum-one active");

    // MySQL: the database and its user, who can log in with the password kept (sealed) for the Secret
    SecretBox box = new SecretBox(config.secrets().secretKey());
    String dbPassword = box.open(db.rows("SELECT db_password_enc FROM tenants WHERE id = $1", t.id()).get(0)
        .getString(0));
    assertThat(await(new SharedMysql(db.vertx, config.mysql()).canLogIn("ca_museum_one", dbPassword))).isTrue();

    // Kubernetes: labelled namespace, Secrets with the keys the chart reads, the installer Job
    assertThat(client.namespaces().withName("tenant-museum-one").get().getMetadata().getLabels())
        .containsEntry("caprovisioner.io/tenant", "museum-one");
    Map<String, String> caDb = decode(client.secrets().inNamespace("tenant-museum-one").withName("ca-db").get());
    assertThat(caDb).containsEntry("database", "ca_museum_one").containsEntry("user", "ca_museum_one")
        .containsEntry("password", dbPassword).containsEntry("host", "127.0.0.1").containsKey("port");
    Map<String, String> caAdmin = decode(client.secrets().inNamespace("tenant-museum-one").withName("ca-admin").get());
    assertThat(caAdmin).containsEntry("user", "administrator").containsEntry("email", "curator@museum.example");
    assertThat(caAdmin.get("password")).isEqualTo(box.open(db.rows(
        "SELECT admin_password_enc FROM tenants WHERE id = $1", t.id()).get(0).getString(0)));
    Job install = client.batch().v1().jobs().inNamespace("tenant-museum-one").list().getItems().get(0);
    String script = String.join(" ", install.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand());
    assertThat(install.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.org/providence:2.0.10");
    assertThat(script).contains("caUtils install --profile-name=\"$CA_PROFILE\"")
        .contains("caUtils update-database-schema").contains("getenv(\"CA_ADMIN_PASSWORD\")")
        .doesNotContain("--overwrite").doesNotContain(dbPassword).doesNotContain(caAdmin.get("password"));

    // operators see every step done, and the log never holds a secret
    JsonArray steps = steps(t.id());
    assertThat(steps.stream().map(s -> ((JsonObject) s).getString("step")))
        .containsExactly("git.commit", "mysql.create", "k8s.prepare", "argocd.await", "ca.install", "ca.admin-password",
            "status.active");
    assertThat(steps.stream().map(s -> ((JsonObject) s).getString("state"))).containsOnly("done");
    String log = await(new ProvisioningLog().list(db.pool, t.id())).encode();
    assertThat(log).contains("created database ca_museum_one", "created Secret ca-db", "installer Job")
        .doesNotContain(dbPassword).doesNotContain(caAdmin.get("password"));
  }

  @Test
  void theRunnersCommitKeepsTheStaffContactOfATenantImportedFromGitAndNeverAddsOne() {
    // recorded while no runner runs, as the import does in one transaction: the first commit
    // must already see the contact flag
    startRunner(Map.of());
    stopRunner();
    Tenant fromGit = provision("partner-museum", "registrar@partner.example");
    await(new TenantRepository().setAdminEmailInGit(db.pool, fromGit.id(), true));
    Tenant fromApi = provision("api-museum", "customer@example.org");
    startRunner(Map.of());

    await().atMost(Duration.ofSeconds(30)).until(() -> gitops.repo.containsKey("tenant-partner-museum")
        && gitops.repo.containsKey("tenant-api-museum"));
    assertThat(gitops.repo.get("tenant-partner-museum").adminEmail()).contains("registrar@partner.example");
    assertThat(gitops.repo.get("tenant-api-museum").adminEmail()).isEmpty();
  }

  @Test
  void withoutDbHostTheTenantWaitsAtMysqlCreateSaysWhyOnceAndIsNeverActive() throws InterruptedException {
    startRunner(Map.of());
    Tenant t = provision("no-mysql", "a@b.example");

    await().atMost(Duration.ofSeconds(30)).until(() -> tenant(t.id()).statusDetail().orElse("")
        .startsWith("waiting at mysql.create: DB_HOST is not set"));
    // parked on the shared MySQL, not re-run on a timer: a few seconds later the job has not been claimed again
    await().atMost(Duration.ofSeconds(30)).until(() -> db.rows("SELECT 1 FROM jobs WHERE tenant_id = $1 "
        + "AND state = 'queued' AND parked_on = 'mysql' AND run_after > now() + interval '5 minutes'", t.id()).size() == 1);
    var claimed = db.rows("SELECT started_at FROM jobs WHERE tenant_id = $1", t.id()).get(0).getOffsetDateTime(0);
    Thread.sleep(2_000);
    assertThat(db.rows("SELECT started_at FROM jobs WHERE tenant_id = $1", t.id()).get(0).getOffsetDateTime(0))
        .isEqualTo(claimed);
    assertThat(db.rows("SELECT attempts FROM tenant_steps WHERE step = 'mysql.create' AND state = 'waiting'")).hasSize(1);
    assertThat(status(t.id())).isEqualTo(TenantStatus.PROVISIONING);
    assertThat(db.rows("SELECT id FROM provisioning_logs WHERE tenant_id = $1 AND status = 'waiting'", t.id()))
        .hasSize(1);
    // waiting costs no attempt (read while the job is back in the queue, not while it is being claimed)
    var queued = await().atMost(Duration.ofSeconds(30)).until(() -> db.rows("SELECT attempts FROM jobs "
        + "WHERE tenant_id = $1 AND state = 'queued'", t.id()), rows -> !rows.isEmpty());
    assertThat(queued.get(0).getInteger(0)).isZero();
  }

  @Test
  void suspendAndResumeCommitTheStateAndWaitForArgoCd() {
    startWithMysql(Map.of());
    Tenant t = provision("museum-two", "x@museum.example");
    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.ACTIVE);

    await().atMost(Duration.ofSeconds(30)).until(() -> jobsSettled(t.id()));
    long before = lastLogId(t.id());
    await(lifecycle.suspend(t.id(), "test", Optional.empty()));
    await().atMost(Duration.ofSeconds(30)).until(() -> jobsSettled(t.id()));
    assertThat(gitops.repo.get("tenant-museum-two").state()).isEqualTo(TenantState.SUSPENDED);
    assertThat(status(t.id())).isEqualTo(TenantStatus.SUSPENDED);
    // the running tenant's other steps achieved their targets already: only what the suspend changes runs
    assertThat(stepsDoneAfter(t.id(), before)).containsExactly("git.commit", "argocd.await");

    await(lifecycle.resume(t.id(), "test", Optional.empty()));
    await().atMost(Duration.ofSeconds(30)).until(() -> jobsSettled(t.id()));
    assertThat(gitops.repo.get("tenant-museum-two").state()).isEqualTo(TenantState.ACTIVE);
    assertThat(status(t.id())).isEqualTo(TenantStatus.ACTIVE);
    assertThat(gitops.commits).containsExactly("c1 provision tenant-museum-two active",
        "c2 suspend tenant-museum-two suspended", "c3 resume tenant-museum-two active");
  }

  @Test
  void aStaleSuspendJobAfterAResumeDoesNotSuspendAgain() {
    startWithMysql(Map.of());
    Tenant t = provision("museum-three", "x@museum.example");
    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.ACTIVE);
    await().atMost(Duration.ofSeconds(30)).until(() -> jobsSettled(t.id()));
    stopRunner();

    // both recorded while no runner runs: the suspend job is stale by the time it runs
    await(lifecycle.suspend(t.id(), "test", Optional.empty()));
    await(lifecycle.resume(t.id(), "test", Optional.empty()));
    startWithMysql(Map.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> jobsSettled(t.id()));
    assertThat(gitops.commits).containsExactly("c1 provision tenant-museum-three active");
    assertThat(status(t.id())).isEqualTo(TenantStatus.ACTIVE);
  }

  @Test
  void purgeDeletesTheSiteThenItsDataAndMarksTheTenantDeleted() {
    // no backup storage here: the operator's explicit choice to purge without a final backup (BackupStepTest takes one)
    startWithMysql(Map.of("BACKUP_FINAL_DAYS", "0"));
    Tenant t = provision("museum-four", "x@museum.example");
    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.ACTIVE);

    await(lifecycle.delete(t.id(), true, "admin", Optional.empty()));
    await().atMost(Duration.ofSeconds(30)).until(() -> status(t.id()) == TenantStatus.DELETED);
    assertThat(gitops.repo).doesNotContainKey("tenant-museum-four");
    assertThat(client.genericKubernetesResources(GitopsResources.APPLICATION).inNamespace("argocd")
        .withName("tenant-museum-four").get()).isNull();
    assertThat(client.namespaces().withName("tenant-museum-four").get()).isNull();
    SharedMysql mysql = new SharedMysql(db.vertx, config.mysql());
    assertThat(await(mysql.admin().query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "
        + "'ca_museum_four'").execute()).iterator().next().getLong(0)).isZero();
    assertThat(await(mysql.admin().query("SELECT COUNT(*) FROM mysql.user WHERE User = 'ca_museum_four'")
        .execute()).iterator().next().getLong(0)).isZero();
  }

  @Test
  void duringRetentionTheDataIsKeptAndAResumeBringsTheTenantBack() {
    startWithMysql(Map.of("TENANT_RETENTION_DAYS", "30"));
    Tenant t = provision("museum-five", "x@museum.example");
    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.ACTIVE);

    await(lifecycle.delete(t.id(), false, "customer", Optional.empty()));
    await().atMost(Duration.ofSeconds(30)).until(() -> tenant(t.id()).statusDetail().orElse("")
        .startsWith("waiting at retention: data kept until"));
    assertThat(gitops.repo).doesNotContainKey("tenant-museum-five");
    assertThat(client.namespaces().withName("tenant-museum-five").get()).isNotNull();

    await(lifecycle.resume(t.id(), "customer", Optional.empty()));
    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.ACTIVE);
    assertThat(gitops.repo.get("tenant-museum-five").state()).isEqualTo(TenantState.ACTIVE);
    // the wait for the retention date ended with the resume: nothing of the data was touched
    assertThat(client.namespaces().withName("tenant-museum-five").get()).isNotNull();
    assertThat(db.rows("SELECT 1 FROM tenant_steps WHERE tenant_id = $1 AND step IN ('mysql.drop', 'k8s.delete')",
        t.id())).isEmpty();
    assertThat(db.rows("SELECT 1 FROM provisioning_logs WHERE tenant_id = $1 AND action = 'mysql.create' "
        + "AND status = 'succeeded'", t.id())).hasSize(1);
    assertThat(gitops.commits).containsExactly("c1 provision tenant-museum-five active", "c2 delete tenant-museum-five",
        "c3 resume tenant-museum-five active");
  }

  @Test
  void aFailedInstallLeavesTheTenantFailedWithTheErrorAndRetryResumesAtThatStep() {
    startWithMysql(Map.of());
    controllers.failJobsIn.add("tenant-museum-six");
    db.rows("ALTER TABLE jobs ALTER COLUMN max_attempts SET DEFAULT 2");
    Tenant t = provision("museum-six", "x@museum.example");

    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.FAILED);
    assertThat(tenant(t.id()).statusDetail().orElse("")).contains("ca.install").contains("failed");
    assertThat(db.rows("SELECT state FROM jobs WHERE tenant_id = $1", t.id()).get(0).getString(0)).isEqualTo("dead");

    controllers.failJobsIn.clear();
    JsonObject retried = await(lifecycle.retry(t.id(), "admin"));
    assertThat(retried.getString("resumes_at")).isEqualTo("ca.install");
    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.ACTIVE);
    assertThat(gitops.commits).hasSize(1);
    JsonObject mysqlCreate = steps(t.id()).getJsonObject(1);
    assertThat(mysqlCreate.getString("step")).isEqualTo("mysql.create");
    assertThat(mysqlCreate.getInteger("attempts")).isEqualTo(1); // done once, not again on the retry
  }

  @Test
  void aGitOutageIsAWaitThatCostsNoAttemptAndTheCommitFollowsOnceTheRemoteIsBack() {
    startRunner(Map.of());
    gitops.down = true;
    Tenant t = provision("museum-nine", "x@museum.example");
    await().atMost(Duration.ofSeconds(10)).until(() -> detail(t.id()).startsWith("waiting at git.commit: the gitops "
        + "repository is unreachable: cannot push"));
    var queued = await().atMost(Duration.ofSeconds(10)).until(() -> db.rows("SELECT attempts FROM jobs "
        + "WHERE tenant_id = $1 AND state = 'queued'", t.id()), rows -> !rows.isEmpty());
    assertThat(queued.get(0).getInteger(0)).isZero();

    gitops.down = false;
    await().atMost(Duration.ofSeconds(10)).until(() -> gitops.commits.contains("c1 provision tenant-museum-nine "
        + "active"));
    await().atMost(Duration.ofSeconds(10)).until(() -> detail(t.id()).startsWith("waiting at mysql.create"));
  }

  /** A cluster that is down: every call fails to connect at once (no retries inside the client). */
  private static KubernetesClient unreachableCluster() {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1")
        .withRequestRetryBackoffLimit(0).withConnectionTimeout(500).withRequestTimeout(1000).build()).build();
  }

  private String detail(long id) {
    return tenant(id).statusDetail().orElse("");
  }

  @Test
  void theNewestIntentReachesGitWithinSecondsWhateverAnOlderStepWaitsForAndEachEffectHappensOnce() {
    // no DB_HOST and no cluster; a waiting step looks again only after 10 minutes, so anything
    // sooner is the new intent waking the reconcile
    PipelineOptions slowRetry = new PipelineOptions(Duration.ofMinutes(10), Duration.ofMinutes(10),
        Duration.ofMinutes(30), Duration.ofMinutes(10), Duration.ofMinutes(30), "/var/www/html");
    KubernetesClient down = unreachableCluster();
    startRunner(Map.of("TENANT_RETENTION_DAYS", "30"), down, slowRetry);
    Tenant t = provision("museum-seven", "x@museum.example");
    String ns = "tenant-museum-seven";
    await().atMost(Duration.ofSeconds(10)).until(() -> detail(t.id()).startsWith("waiting at mysql.create"));

    assertThat(await(lifecycle.suspend(t.id(), "admin-api", Optional.empty())).status())
        .isEqualTo(TenantStatus.SUSPENDED);
    await().atMost(Duration.ofSeconds(5)).until(() -> gitops.commits.contains("c2 suspend " + ns + " suspended"));
    await().atMost(Duration.ofSeconds(5)).until(() -> detail(t.id()).startsWith("waiting at argocd.await: "
        + "Kubernetes API at"));

    await(lifecycle.resume(t.id(), "admin-api", Optional.empty()));
    await().atMost(Duration.ofSeconds(5)).until(() -> gitops.commits.contains("c3 resume " + ns + " active"));
    await().atMost(Duration.ofSeconds(5)).until(() -> detail(t.id()).startsWith("waiting at mysql.create"));

    await(lifecycle.delete(t.id(), false, "admin-api", Optional.empty()));
    await().atMost(Duration.ofSeconds(5)).until(() -> gitops.commits.contains("c4 delete " + ns));
    await(lifecycle.resume(t.id(), "admin-api", Optional.empty()));
    await().atMost(Duration.ofSeconds(5)).until(() -> gitops.commits.contains("c5 resume " + ns + " active"));
    assertThat(status(t.id())).isEqualTo(TenantStatus.PROVISIONING);

    // the operator configures MySQL, the cluster is back: the tenant reaches the state last asked for
    stopRunner();
    down.close();
    startWithMysql(Map.of("TENANT_RETENTION_DAYS", "30"));
    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.ACTIVE);
    assertThat(gitops.commits).containsExactly("c1 provision " + ns + " active", "c2 suspend " + ns + " suspended",
        "c3 resume " + ns + " active", "c4 delete " + ns, "c5 resume " + ns + " active");
    assertThat(db.rows("SELECT action FROM provisioning_logs WHERE tenant_id = $1 AND status = 'succeeded' "
        + "AND action IN ('mysql.create', 'k8s.prepare', 'ca.install')", t.id()))
        .extracting(r -> r.getString(0)).containsExactly("mysql.create", "k8s.prepare", "ca.install");
    assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).hasSize(1);
    assertThat(db.rows("SELECT id FROM jobs WHERE tenant_id = $1 AND state = 'dead'", t.id())).isEmpty();
  }

  @Test
  void aBurstOfAlternatingIntentsEndsInTheLastOnesStateWithAtMostOneReconcileQueued() {
    startWithMysql(Map.of());
    Tenant t = provision("museum-eight", "x@museum.example");
    await().atMost(Duration.ofSeconds(60)).until(() -> status(t.id()) == TenantStatus.ACTIVE && jobsSettled(t.id()));
    await(lifecycle.suspend(t.id(), "test", Optional.empty()));
    await().atMost(Duration.ofSeconds(30)).until(() -> jobsSettled(t.id()));

    java.util.concurrent.atomic.AtomicInteger mostPending = new java.util.concurrent.atomic.AtomicInteger();
    long sampler = db.vertx.setPeriodic(5, id -> db.pool.preparedQuery("SELECT count(*) FROM jobs WHERE tenant_id = "
            + "$1 AND kind = 'tenant.reconcile' AND state IN ('queued','running')")
        .execute(io.vertx.sqlclient.Tuple.of(t.id()))
        .onSuccess(r -> mostPending.accumulateAndGet(r.iterator().next().getInteger(0), Math::max)));
    for (int i = 0; i < 20; i++) {
      if (i % 2 == 0) {
        await(lifecycle.resume(t.id(), "burst", Optional.empty()));
      } else {
        await(lifecycle.suspend(t.id(), "burst", Optional.empty()));
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> jobsSettled(t.id()));
    db.vertx.cancelTimer(sampler);

    assertThat(status(t.id())).isEqualTo(TenantStatus.SUSPENDED);
    assertThat(gitops.repo.get("tenant-museum-eight").state()).isEqualTo(TenantState.SUSPENDED);
    assertThat(mostPending.get()).isEqualTo(1);
    assertThat(tenant(t.id()).generation()).isGreaterThanOrEqualTo(22);
  }

  private static Map<String, String> decode(Secret s) {
    Map<String, String> out = new HashMap<>();
    s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }
}

package io.caprovisioner.rollout;

import io.caprovisioner.pipeline.TestBreakers;
import static io.caprovisioner.jobs.QueueFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.TenantPipelineWiring;
import io.caprovisioner.backup.LocalJobRunner;
import io.caprovisioner.db.BackupStatus;
import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.BackupStore.Backup;
import io.caprovisioner.tenant.BackupKind;
import io.caprovisioner.testing.TestS3;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import io.caprovisioner.config.Config;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.QueueFixture;
import io.caprovisioner.k8s.model.InstallJob;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.mysql.TestMariaDb;
import io.caprovisioner.pipeline.FakeControllers;
import io.caprovisioner.pipeline.PipelineOptions;
import io.caprovisioner.pipeline.DependencySlots;
import io.caprovisioner.pipeline.StepObserver;
import io.caprovisioner.pipeline.TestConfigs;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet rollout of a new CollectiveAccess image over 20 tenants, end to end: real PostgreSQL
 * (rollouts, queue, tenants), real MariaDB (the tenants' databases), the real reconciler and
 * rollout driver, a real HTTP server playing the tenants' sites, S3Proxy (a real S3 API) for the
 * pre-upgrade backups, which the real mariadb-dump and curl write. Kubernetes cannot run here:
 * fabric8's mock API server in CRUD mode, and the test plays Argo CD and the Job controller
 * ({@link FakeControllers}: it syncs each commit and marks Jobs succeeded, or failed in the
 * namespaces it is told to fail), and the kubelet for backup Jobs, whose own script it runs on
 * this machine ({@link LocalJobRunner}); a fake gitops repository records each commit's trailers.
 */
@EnableKubernetesMockClient(crud = true)
class FleetRolloutTest {
  static KubernetesClient client;
  static final String NEW_IMAGE = "registry.example.org/providence:2.1.0";
  static final PipelineOptions FAST = new PipelineOptions(Duration.ofMillis(200), Duration.ofMillis(100),
      Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(30), "/var/www/html");

  static TestS3 s3;
  @TempDir
  static Path media;
  private QueueFixture db;
  private RecordingGitops gitops;
  private FakeControllers controllers;
  private final List<JobRunner> runners = new ArrayList<>();
  private final List<SharedMysql> mysqls = new ArrayList<>();
  private TenantLifecycle lifecycle;
  private Rollouts rollouts;
  private Config config;
  private long controllerTimer;
  private HttpServer site;
  /** Namespaces whose site answers 503 while this holds. */
  private final Set<String> sitesDown = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> healthAsked = new ConcurrentHashMap<>();

  @BeforeAll
  static void storage() {
    TestMariaDb.start(); // unpacks the MariaDB binaries whose clients the Jobs run, if no test did yet
    LocalJobRunner.assumeClientsRun(Path.of("target", "mariadb-binaries", "bin"));
    s3 = new TestS3("ca-backups");
  }

  @AfterAll
  static void closeStorage() {
    if (s3 != null) {
      s3.close();
    }
  }

  @BeforeEach
  void start() {
    db = new QueueFixture();
    gitops = new RecordingGitops();
    controllers = new FakeControllers(client, gitops.repo.repo::values, gitops);
    LocalJobRunner kubelet = new LocalJobRunner(client, Path.of("target", "mariadb-binaries", "bin"), media);
    controllers.jobWork = job -> LocalJobRunner.handles(job) ? Optional.of(kubelet.run(job)) : Optional.empty();
    site = await(db.vertx.createHttpServer().requestHandler(req -> {
      String ns = req.path().substring(1);
      healthAsked.merge(ns, 1, Integer::sum);
      req.response().setStatusCode(sitesDown.contains(ns) ? 503 : 200).end("CollectiveAccess");
    }).listen(0, "127.0.0.1"));
    Config.TenantMysql m = TestMariaDb.start();
    Map<String, String> env = new java.util.HashMap<>(Map.of("DB_HOST", m.host().get(), "DB_PORT",
        Integer.toString(m.port()), "DB_USER", m.user(), "DB_PASSWORD", m.password().get()));
    env.putAll(s3.env());
    config = TestConfigs.config(env);
    lifecycle = new TenantLifecycle(db.pool, config.tenants(), config.plans());
    rollouts = new Rollouts(db.pool, lifecycle, config.chart().version(), config.tenants().image());
    controllerTimer = db.vertx.setPeriodic(100, t -> db.vertx.executeBlocking(() -> {
      controllers.reconcile();
      return null;
    }, false));
  }

  /** One replica of the service's job side: the tenant reconciler with the rollout's steps, and the driver. */
  private void startReplica(String id) {
    SharedMysql mysql = new SharedMysql(db.vertx, config.mysql());
    mysqls.add(mysql);
    SiteProbe probe = SiteProbe.http(db.vertx, names -> "http://127.0.0.1:" + site.actualPort() + "/"
        + names.namespace());
    JobRunner runner = new JobRunner(db.vertx, db.pool, QueueFixture.fast(4, id));
    var k8s = db.vertx.createSharedWorkerExecutor("test-k8s-" + id, 4);
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
            client, k8s, mysql, FAST, StepObserver.NONE,
            TenantPipelineWiring.breakers(db.vertx, db.pool, gitops, client, k8s, mysql, TestBreakers.PROBING),
            DependencySlots.unbounded(),
            RolloutSteps.of(probe, Duration.ofMillis(100), Duration.ofSeconds(60)), new RolloutFailures()))
        .register(JobKind.ROLLOUT_ADVANCE.wire(), new RolloutDriver(lifecycle, Duration.ofMillis(100)));
    await(runner.start());
    runners.add(runner);
  }

  /** Every replica stops as SIGTERM stops the service: running jobs end or hand back their lease. */
  private void stopReplicas() {
    for (JobRunner r : runners) {
      await(r.stop());
    }
    runners.clear();
    mysqls.forEach(SharedMysql::close);
    mysqls.clear();
  }

  @AfterEach
  void stop() {
    db.vertx.cancelTimer(controllerTimer);
    stopReplicas();
    db.close();
  }

  private List<Tenant> provisionFleet(int n) {
    return provisionFleet(n, "museum");
  }

  /**
   * @param prefix of the tenants' names: the bucket outlives each test's database, whose backup ids
   *               start again at 1, so a test that restores names its tenants apart
   */
  private List<Tenant> provisionFleet(int n, String prefix) {
    List<Tenant> fleet = IntStream.rangeClosed(1, n).mapToObj(i -> await(lifecycle.provision(new ProvisionRequest(
        "curator" + i + "@museum.example", "starter", Optional.of(String.format("%s-%02d", prefix, i)),
        TenantSource.MANUAL, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "test"))))
        .toList();
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
        .until(() -> fleet.stream().allMatch(t -> tenant(t.id()).status() == TenantStatus.ACTIVE));
    return fleet;
  }

  private Tenant tenant(long id) {
    return await(new TenantRepository().byId(db.pool, id)).orElseThrow();
  }

  private JsonObject status(long rollout) {
    return await(rollouts.status(rollout));
  }

  private static JsonObject wave(JsonObject status, int wave) {
    return status.getJsonArray("waves").getJsonObject(wave - 1);
  }

  private static List<JsonObject> members(JsonObject status) {
    List<JsonObject> out = new ArrayList<>();
    status.getJsonArray("waves").forEach(w -> ((JsonObject) w).getJsonArray("tenants")
        .forEach(t -> out.add((JsonObject) t)));
    return out;
  }

  private static String stateOf(JsonObject status, long tenantId) {
    return members(status).stream().filter(m -> m.getLong("tenant_id") == tenantId).findFirst().orElseThrow()
        .getString("state");
  }

  /** The steps that did something (logged as succeeded) for a tenant since its upgrade was recorded. */
  private List<String> stepsSinceUpgrade(long tenantId) {
    return db.rows("SELECT action FROM provisioning_logs WHERE tenant_id = $1 AND status = 'succeeded' AND id > "
        + "(SELECT max(id) FROM provisioning_logs WHERE tenant_id = $1 AND message LIKE 'upgrade by rollout%') "
        + "ORDER BY id", tenantId).stream().map(r -> r.getString(0)).toList();
  }

  /** When the tenant's upgrade commit was logged. */
  private OffsetDateTime commitTime(long tenantId) {
    return db.rows("SELECT created_at FROM provisioning_logs WHERE tenant_id = $1 AND action = 'git.commit' "
        + "AND status = 'succeeded' ORDER BY id DESC LIMIT 1", tenantId).get(0).getOffsetDateTime(0);
  }

  private List<Job> installJobs(String namespace, String image) {
    return client.batch().v1().jobs().inNamespace(namespace).list().getItems().stream()
        .filter(j -> j.getMetadata().getName().equals(InstallJob.name(image))).toList();
  }

  /** Each wave started only once the one before had settled. */
  private static void assertWavesInOrder(JsonObject status, int upTo) {
    for (int w = 2; w <= upTo; w++) {
      OffsetDateTime lastSettled = wave(status, w - 1).getJsonArray("tenants").stream()
          .map(t -> OffsetDateTime.parse(((JsonObject) t).getString("finished_at"))).max(OffsetDateTime::compareTo)
          .orElseThrow();
      int wave = w;
      wave(status, w).getJsonArray("tenants").forEach(t -> assertThat(OffsetDateTime.parse(((JsonObject) t)
          .getString("started_at"))).as("wave %d starts after wave %d settled", wave, wave - 1)
          .isAfterOrEqualTo(lastSettled));
    }
  }

  @Test
  void aNewImageRollsWaveByWaveHaltsAtTheBudgetSurvivesARestartAndResumesToTheEnd() {
    startReplica("replica-a");
    List<Tenant> fleet = provisionFleet(20);
    // waves [1, 5%, 25%, 100%] of 20: 1, (5 % is the same one tenant: no wave), 4, 15 — by id
    Tenant failing = fleet.get(2);
    controllers.failJobsIn.add(failing.names().namespace());
    List<Tenant> lastWave = fleet.subList(5, 20);
    lastWave.forEach(t -> sitesDown.add(t.names().namespace()));

    JsonObject started = await(rollouts.start(RolloutRequest.parse(new JsonObject().put("image", NEW_IMAGE)
        .put("selector", new JsonObject().put("all", true)).put("waves", new JsonArray().add(1).add("5%").add("25%")
            .add("100%")).put("failure_budget", 0)), "test"));
    long id = started.getLong("id");
    assertThat(started.getInteger("wave_count")).isEqualTo(3);
    assertThat(started.getJsonArray("waves").stream().map(w -> ((JsonObject) w).getInteger("size")))
        .containsExactly(1, 4, 15);

    // the schema Job of the failing tenant fails (its reconcile uses up its attempts): past a budget of 0, halted
    await().atMost(Duration.ofSeconds(120)).until(() -> status(id).getString("state").equals("halted"));
    await().atMost(Duration.ofSeconds(60)).until(() -> wave(status(id), 2).getJsonObject("counts")
        .getLong("upgrading") == 0);
    JsonObject halted = status(id);
    assertThat(halted.getString("halted_reason")).contains("failure budget 0 exceeded")
        .contains(failing.names().namespace()).contains("ca.install").contains("failed");
    assertThat(wave(halted, 1).getJsonObject("counts").getLong("done")).isEqualTo(1);
    assertThat(wave(halted, 2).getJsonObject("counts").getLong("done")).isEqualTo(3);
    assertThat(wave(halted, 2).getJsonObject("counts").getLong("failed")).isEqualTo(1);
    assertThat(wave(halted, 3).getJsonObject("counts").getLong("pending")).isEqualTo(15);
    assertThat(stateOf(halted, failing.id())).isEqualTo("failed");
    assertWavesInOrder(halted, 2);
    // the last wave was not touched: no commit, no image, no schema Job
    for (Tenant t : lastWave) {
      assertThat(gitops.of(t.names().namespace(), GitAction.UPGRADE)).isEmpty();
      assertThat(tenant(t.id()).image()).isEmpty();
      assertThat(installJobs(t.names().namespace(), NEW_IMAGE)).isEmpty();
    }

    // resume: the last wave is committed, synced and migrated, and then waits for its sites
    await(rollouts.resume(id));
    await().atMost(Duration.ofSeconds(120)).until(() -> lastWave.stream().allMatch(t ->
        healthAsked.getOrDefault(t.names().namespace(), 0) > 0));
    assertThat(status(id).getString("state")).isEqualTo("running");
    Map<String, String> jobUids = new java.util.HashMap<>();
    for (Tenant t : lastWave) {
      assertThat(gitops.of(t.names().namespace(), GitAction.UPGRADE)).hasSize(1);
      jobUids.put(t.names().namespace(), installJobs(t.names().namespace(), NEW_IMAGE).get(0).getMetadata().getUid());
    }
    int commitsBefore = gitops.commits.size();

    // the service restarts mid-wave, now as two replicas: nothing recorded is lost, nothing done is redone
    stopReplicas();
    startReplica("replica-b");
    startReplica("replica-c");
    sitesDown.clear();
    await().atMost(Duration.ofSeconds(120)).until(() -> status(id).getString("state").equals("completed"));
    assertThat(gitops.commits).hasSize(commitsBefore);
    for (Tenant t : lastWave) {
      assertThat(installJobs(t.names().namespace(), NEW_IMAGE)).singleElement()
          .satisfies(j -> assertThat(j.getMetadata().getUid()).isEqualTo(jobUids.get(t.names().namespace())));
    }

    JsonObject done = status(id);
    assertWavesInOrder(done, 3);
    assertThat(done.getLong("failed")).isEqualTo(1);
    for (Tenant t : fleet) {
      String ns = t.names().namespace();
      if (t.id() == failing.id()) {
        continue;
      }
      assertThat(stateOf(done, t.id())).as(ns).isEqualTo("done");
      // one upgrade commit, with the rollout's trailer and the new image
      assertThat(gitops.of(ns, GitAction.UPGRADE)).as(ns).singleElement()
          .isEqualTo(new RecordingGitops.Commit(ns, GitAction.UPGRADE, Optional.of(id), Optional.of(NEW_IMAGE)));
      // backup checked -> commit -> Argo CD synced and healthy -> schema Job -> the site answers -> done, in
      // that order, once each (status.active looks at every generation and finds the site still active)
      assertThat(stepsSinceUpgrade(t.id())).as(ns).containsSubsequence("rollout.backup-check", "git.commit",
          "argocd.await", "ca.install", "site.health", "rollout.report", "status.active");
      assertThat(stepsSinceUpgrade(t.id()).stream().filter(s -> !s.equals("backup")).toList()).as(ns)
          .containsExactly("rollout.backup-check", "git.commit", "argocd.await", "ca.install", "site.health",
              "rollout.report", "status.active");
      // its pre-upgrade backup was taken, and is in the bucket under the tenant's prefix, before the commit
      Backup backup = await(new BackupStore().byRequestKey(db.pool, t.id(), "rollout " + id)).orElseThrow();
      assertThat(backup.kind()).isEqualTo(BackupKind.PRE_UPGRADE);
      assertThat(backup.status()).as(ns).isEqualTo(BackupStatus.DONE);
      assertThat(backup.objectKey()).hasValueSatisfying(k -> assertThat(k).startsWith(ns + "/"));
      assertThat(backup.completedAt().orElseThrow()).isBefore(commitTime(t.id()));
      assertThat(installJobs(ns, NEW_IMAGE)).singleElement().satisfies(j -> assertThat(j.getSpec().getTemplate()
          .getSpec().getContainers().get(0).getImage()).isEqualTo(NEW_IMAGE));
      assertThat(tenant(t.id()).image()).contains(NEW_IMAGE);
      assertThat(tenant(t.id()).status()).isEqualTo(TenantStatus.ACTIVE);
    }

    // the failed tenant runs the new image with a failed schema update: drift shows it with the others
    assertThat(tenant(failing.id()).image()).contains(NEW_IMAGE);
    assertThat(await(rollouts.fleet()).getJsonArray("versions").stream().map(v -> (JsonObject) v)
        .filter(v -> v.getString("image").equals(NEW_IMAGE)).findFirst().orElseThrow().getLong("tenants"))
        .isEqualTo(20);
    // an operator rolls it back: a revert commit to the configured image, synced, schema Job, health check
    controllers.failJobsIn.clear();
    await(rollouts.rollBack(id, failing.id(), "ops"));
    await().atMost(Duration.ofSeconds(60)).until(() -> db.rows("SELECT 1 FROM tenant_steps WHERE tenant_id = $1 "
        + "AND step = 'site.health' AND achieved = $2", failing.id(), "rollout " + id + " rollback").size() == 1);
    // its pre-upgrade backup restored: the site scaled to zero, then back on the configured image
    assertThat(gitops.of(failing.names().namespace(), GitAction.ROLLBACK)).hasSize(2).containsOnly(
        new RecordingGitops.Commit(failing.names().namespace(), GitAction.ROLLBACK, Optional.of(id), Optional.empty()));
    assertThat(stateOf(status(id), failing.id())).isEqualTo("rolled_back");

    // drift is visible: who runs what
    JsonObject fleetView = await(rollouts.fleet());
    assertThat(fleetView.getJsonArray("versions").stream().map(v -> (JsonObject) v)
        .filter(v -> v.getString("image").equals(NEW_IMAGE)).findFirst().orElseThrow().getLong("tenants"))
        .isEqualTo(19);
    assertThat(fleetView.getJsonArray("versions").stream().map(v -> (JsonObject) v)
        .filter(v -> v.getString("image").equals(config.tenants().image())).findFirst().orElseThrow()
        .getLong("tenants")).isEqualTo(1);

    printFigures(done);
  }

  private void write(Tenant t, String statement) {
    await(mysqls.get(0).admin().withConnection(c -> c.query("USE " + t.names().database()).execute()
        .compose(v -> c.query(statement).execute())));
  }

  private List<String> rows(Tenant t) {
    List<String> out = new ArrayList<>();
    await(mysqls.get(0).admin().withConnection(c -> c.query("USE " + t.names().database()).execute()
        .compose(v -> c.query("SELECT * FROM objects ORDER BY id").execute())))
        .forEach(r -> out.add(r.size() + " columns: " + r.getInteger(0) + " " + r.getString(1)));
    return out;
  }

  /** The steps that did something for a tenant since its rollback was recorded, with their messages. */
  private List<String> stepsSinceRollback(long tenantId) {
    return db.rows("SELECT action, message FROM provisioning_logs WHERE tenant_id = $1 AND status = 'succeeded' "
        + "AND id > (SELECT max(id) FROM provisioning_logs WHERE tenant_id = $1 AND message LIKE 'rollback of rollout%') "
        + "ORDER BY id", tenantId).stream().map(r -> r.getString(0) + ": " + r.getString(1)).toList();
  }

  @Test
  void anOperatorRollsOneTenantBackToWhatItRanBeforeWithItsPreUpgradeBackupRestored() {
    startReplica("replica-a");
    List<Tenant> fleet = provisionFleet(2, "rollback");
    Tenant museum = fleet.get(0);
    write(museum, "CREATE TABLE objects (id INT PRIMARY KEY, title VARCHAR(100))");
    write(museum, "INSERT INTO objects VALUES (1, 'Amphora')");
    JsonObject started = await(rollouts.start(RolloutRequest.parse(new JsonObject().put("image", NEW_IMAGE)
        .put("chart_version", "0.2.0").put("selector", new JsonObject().put("tenants", new JsonArray()
            .add(museum.id()))).put("waves", new JsonArray().add("100%"))), "test"));
    long id = started.getLong("id");
    await().atMost(Duration.ofSeconds(60)).until(() -> status(id).getString("state").equals("completed"));
    Tenant upgraded = tenant(museum.id());
    assertThat(upgraded.image()).contains(NEW_IMAGE);
    assertThat(upgraded.chartVersion()).contains("0.2.0");
    // the other tenant was not selected
    assertThat(tenant(fleet.get(1).id()).image()).isEmpty();
    assertThat(gitops.of(fleet.get(1).names().namespace(), GitAction.UPGRADE)).isEmpty();
    Backup preUpgrade = await(new BackupStore().byRequestKey(db.pool, museum.id(), "rollout " + id)).orElseThrow();
    // what the new version did to the database: its schema migration, and a row written on it
    write(museum, "ALTER TABLE objects ADD COLUMN migrated_by_2_1 INT");
    write(museum, "INSERT INTO objects VALUES (2, 'Written on 2.1', 1)");
    assertThat(rows(museum)).containsExactly("3 columns: 1 Amphora", "3 columns: 2 Written on 2.1");

    JsonObject back = await(rollouts.rollBack(id, upgraded.id(), "ops@example.org"));
    assertThat(stateOf(back, upgraded.id())).isEqualTo("rolled_back");
    assertThat(members(back).get(0).getString("reason")).isEqualTo("rolled back by ops@example.org from done, "
        + "restoring pre-upgrade backup " + preUpgrade.id());
    String ns = upgraded.names().namespace();
    await().atMost(Duration.ofSeconds(90)).until(() -> db.rows("SELECT 1 FROM tenant_steps WHERE tenant_id = $1 "
        + "AND step = 'site.health' AND achieved = $2", upgraded.id(), "rollout " + id + " rollback").size() == 1);

    // the database is as the pre-upgrade backup had it: the migration and the row written since are gone
    assertThat(rows(museum)).containsExactly("2 columns: 1 Amphora");
    // scaled to zero, loaded, back on the old version; then its schema Job and its health check, in that order
    // (rollout.report logs just after site.health is recorded: give it that moment)
    await().atMost(Duration.ofSeconds(30)).until(() -> stepsSinceRollback(museum.id()).stream()
        .anyMatch(l -> l.startsWith("rollout.report:")));
    List<String> steps = stepsSinceRollback(museum.id());
    assertThat(steps.stream().map(l -> l.substring(0, l.indexOf(':'))).toList()).containsSubsequence(
        "restore.scale-down", "restore.load", "restore.scale-up", "ca.install", "site.health", "rollout.report");
    assertThat(steps).anyMatch(l -> l.startsWith("restore.scale-down: site scaled to zero for restore ")
        && l.contains("(suspended)"));
    assertThat(steps).anyMatch(l -> l.startsWith("restore.load: restore ") && l.contains("of backup "
        + preUpgrade.id() + " loaded") && l.contains("sha256 " + preUpgrade.sha256().orElseThrow() + " checked"));
    assertThat(gitops.of(ns, GitAction.ROLLBACK)).hasSize(2)
        .containsOnly(new RecordingGitops.Commit(ns, GitAction.ROLLBACK, Optional.of(id), Optional.empty()));
    Tenant rolledBack = tenant(upgraded.id());
    assertThat(rolledBack.image()).isEmpty();
    assertThat(rolledBack.chartVersion()).isEmpty();
    assertThat(rolledBack.status()).isEqualTo(TenantStatus.ACTIVE);
    assertThat(gitops.repo.repo.get(ns).image()).isEmpty();
    assertThat(gitops.repo.repo.get(ns).chartVersion()).isEmpty();
    assertThat(gitops.repo.repo.get(ns).state().wire()).isEqualTo("active");
  }

  @Test
  void aTenantSuspendedDuringItsUpgradeIsSkippedAndTheWaveStillSettles() {
    startReplica("replica-a");
    List<Tenant> fleet = provisionFleet(2);
    Tenant suspendedLater = fleet.get(1);
    sitesDown.add(suspendedLater.names().namespace());
    long id = await(rollouts.start(RolloutRequest.parse(new JsonObject().put("image", NEW_IMAGE)
        .put("selector", new JsonObject().put("all", true)).put("waves", new JsonArray().add("100%"))), "test"))
        .getLong("id");
    await().atMost(Duration.ofSeconds(60)).until(() -> healthAsked.getOrDefault(suspendedLater.names().namespace(),
        0) > 0);
    await(lifecycle.suspend(suspendedLater.id(), "test", Optional.empty()));

    await().atMost(Duration.ofSeconds(60)).until(() -> status(id).getString("state").equals("completed"));
    JsonObject done = status(id);
    assertThat(stateOf(done, fleet.get(0).id())).isEqualTo("done");
    assertThat(stateOf(done, suspendedLater.id())).isEqualTo("skipped");
    assertThat(members(done).stream().filter(m -> m.getLong("tenant_id") == suspendedLater.id()).findFirst()
        .orElseThrow().getString("reason")).isEqualTo("the tenant became suspended during its upgrade");
  }

  /** Figures, not assertions: this machine is shared and noisy. */
  private static void printFigures(JsonObject status) {
    List<Double> perTenant = new ArrayList<>();
    members(status).stream().filter(m -> m.getString("state").equals("done") && m.getString("started_at") != null)
        .forEach(m -> perTenant.add(Duration.between(OffsetDateTime.parse(m.getString("started_at")),
            OffsetDateTime.parse(m.getString("finished_at"))).toMillis() / 1000.0));
    perTenant.sort(Double::compare);
    System.out.println("# rollout of 20 tenants (the last wave was held at its health check and a restart): "
        + "per-tenant seconds, sorted: " + perTenant);
  }
}

package io.caprovisioner.backup;

import io.caprovisioner.pipeline.TestBreakers;
import io.caprovisioner.pipeline.StepObserver;
import static io.caprovisioner.jobs.QueueFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caprovisioner.app.TenantPipelineWiring;
import io.caprovisioner.config.Config;
import io.caprovisioner.db.BackupStatus;
import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.BackupStore.Backup;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.QueueFixture;
import io.caprovisioner.k8s.model.BackupJob;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.mysql.TestMariaDb;
import io.caprovisioner.pipeline.FakeControllers;
import io.caprovisioner.pipeline.FakeGitops;
import io.caprovisioner.pipeline.PipelineOptions;
import io.caprovisioner.pipeline.TestConfigs;
import io.caprovisioner.tenant.BackupKind;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantStatus;
import io.caprovisioner.testing.TestS3;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups end to end, with real parts: PostgreSQL (queue, tenants, backups), MariaDB (the tenant's
 * database, dumped by the real mariadb-dump), S3Proxy (a real S3 API on a local folder, written
 * by the Job's curl and read by the service's AWS SDK). Kubernetes cannot run here: fabric8's
 * mock server in CRUD mode, the test playing Argo CD and the Job controller ({@link FakeControllers}),
 * and the kubelet for backup Jobs, whose own script it runs on this machine ({@link LocalJobRunner}).
 */
@EnableKubernetesMockClient(crud = true)
class BackupStepTest {
  static KubernetesClient client;
  static TestS3 s3;

  @TempDir
  Path media;
  private QueueFixture db;
  private FakeGitops gitops;
  private FakeControllers controllers;
  private LocalJobRunner jobs;
  private JobRunner runner;
  private SharedMysql mysql;
  private TenantLifecycle lifecycle;
  private Config config;
  private long controllerTimer;

  static final PipelineOptions FAST = new PipelineOptions(Duration.ofMillis(200), Duration.ofMillis(100),
      Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(30), "/var/www/html");

  @BeforeAll
  static void storage() {
    TestMariaDb.start();
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
    gitops = new FakeGitops();
    controllers = new FakeControllers(client, gitops.repo::values, gitops);
    Config.TenantMysql m = TestMariaDb.start();
    jobs = new LocalJobRunner(client, Path.of("target", "mariadb-binaries", "bin"), media);
    controllers.jobWork = job -> LocalJobRunner.handles(job) ? Optional.of(jobs.run(job)) : Optional.empty();
    Map<String, String> env = new HashMap<>(Map.of("DB_HOST", m.host().get(), "DB_PORT", Integer.toString(m.port()),
        "DB_USER", m.user(), "DB_PASSWORD", m.password().get(), "BACKUP_FINAL_DAYS", "60"));
    env.putAll(s3.env());
    config = TestConfigs.config(env);
    lifecycle = new TenantLifecycle(db.pool, config.tenants(), config.plans());
    mysql = new SharedMysql(db.vertx, config.mysql());
    runner = new JobRunner(db.vertx, db.pool, QueueFixture.fast(2, "backups"));
    var k8s = db.vertx.createSharedWorkerExecutor("test-k8s", 2);
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
        client, k8s, mysql, FAST, StepObserver.NONE,
        TenantPipelineWiring.breakers(db.vertx, db.pool, gitops, client, k8s, mysql, TestBreakers.PROBING)));
    await(runner.start());
    controllerTimer = db.vertx.setPeriodic(100, t -> db.vertx.executeBlocking(() -> {
      controllers.reconcile();
      return null;
    }, false));
  }

  @AfterEach
  void stop() {
    db.vertx.cancelTimer(controllerTimer);
    await(runner.stop());
    mysql.close();
    db.close();
  }

  private Tenant activeTenant(String slug) {
    Tenant t = await(lifecycle.provision(new ProvisionRequest("x@" + slug + ".example", "starter", Optional.of(slug),
        TenantSource.MANUAL, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "test")));
    await().atMost(Duration.ofSeconds(60)).until(() -> tenant(t.id()).status() == TenantStatus.ACTIVE);
    return tenant(t.id());
  }

  private Tenant tenant(long id) {
    return await(new TenantRepository().byId(db.pool, id)).orElseThrow();
  }

  private Backup backup(long id) {
    return await(new BackupStore().byId(db.pool, id)).orElseThrow();
  }

  private Backup settled(long id) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      BackupStatus s = backup(id).status();
      return s == BackupStatus.DONE || s == BackupStatus.FAILED;
    });
    return backup(id);
  }

  private void write(Tenant t, String statement) {
    // one connection: USE then the statement
    await(mysql.admin().withConnection(c -> c.query("USE " + t.names().database()).execute()
        .compose(v -> c.query(statement).execute())));
  }

  private List<Job> backupJobs(Tenant t) {
    return client.batch().v1().jobs().inNamespace(t.names().namespace()).list().getItems().stream()
        .filter(j -> j.getMetadata().getName().startsWith(BackupJob.BACKUP_PREFIX)).toList();
  }

  private List<String> log(Tenant t) {
    return db.rows("SELECT action, status, message FROM provisioning_logs WHERE tenant_id = $1 ORDER BY id", t.id())
        .stream().map(r -> r.getString(0) + " " + r.getString(1) + ": " + r.getString(2)).toList();
  }

  @Test
  void anOnDemandBackupHoldsTheDatabaseAndTheMediaAsTheyWereUnderTheTenantsPrefix(@TempDir Path unpacked)
      throws Exception {
    Tenant t = activeTenant("museum-bk-one");
    write(t, "CREATE TABLE objects (id INT PRIMARY KEY, title VARCHAR(100))");
    write(t, "INSERT INTO objects VALUES (1, 'Amphora'), (2, 'Herbarium sheet')");
    Path photo = jobs.media(t.names().namespace()).resolve("media").resolve(t.names().appName()).resolve("0/a.jpg");
    Files.createDirectories(photo.getParent());
    Files.write(photo, new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});

    long id = await(lifecycle.requestBackup(t.id(), BackupKind.ON_DEMAND, "on-demand one", "admin"));
    Backup b = settled(id);
    assertThat(b.status()).as("backup %s; Job output: %s", b, jobs.output).isEqualTo(BackupStatus.DONE);
    assertThat(b.objectKey()).contains("tenant-museum-bk-one/" + id + "-on-demand.tar.gz");

    // the bytes in the bucket are what was recorded
    byte[] stored = s3.client().getObjectAsBytes(r -> r.bucket(s3.bucket).key(b.objectKey().get())).asByteArray();
    assertThat((long) stored.length).isEqualTo(b.sizeBytes().orElseThrow());
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)))
        .isEqualTo(b.sha256().orElseThrow());
    assertThat(s3.client().listObjectsV2(r -> r.bucket(s3.bucket).prefix("tenant-museum-bk-one/")).contents())
        .hasSize(1);

    // and they hold the rows and the media file
    Path archive = unpacked.resolve("backup.tar.gz");
    Files.write(archive, stored);
    untar(unpacked, "-xzf", "backup.tar.gz");
    String dump = Files.readString(unpacked.resolve("database.sql"));
    assertThat(dump).contains("CREATE TABLE `objects`").contains("'Amphora'").contains("'Herbarium sheet'");
    untar(unpacked, "-xf", "media.tar");
    assertThat(Files.readAllBytes(unpacked.resolve("media").resolve(t.names().appName()).resolve("0/a.jpg")))
        .containsExactly((byte) 0xff, (byte) 0xd8, 1, 2, 3);

    // asked again under the same key: the same backup, no second Job
    assertThat(await(lifecycle.requestBackup(t.id(), BackupKind.ON_DEMAND, "on-demand one", "admin"))).isEqualTo(id);
    assertThat(backupJobs(t)).hasSize(1);
    assertThat(log(t)).anySatisfy(line -> assertThat(line).startsWith("backup succeeded: on-demand backup " + id
        + " taken: tenant-museum-bk-one/" + id + "-on-demand.tar.gz, " + b.sizeBytes().get() + " bytes, sha256 "));
    assertThat(tenant(t.id()).status()).isEqualTo(TenantStatus.ACTIVE);
  }

  @Test
  void aDumpThatFailsLeavesTheBackupFailedWithTheReasonAndTheSiteRunning() {
    Tenant t = activeTenant("museum-bk-two");
    // the database refuses the Job's login: mariadb-dump really fails
    write(t, "CREATE TABLE objects (id INT PRIMARY KEY)");
    await(mysql.admin().query("ALTER USER '" + t.names().dbUser() + "'@'%' ACCOUNT LOCK").execute());
    try {
      long id = await(lifecycle.requestBackup(t.id(), BackupKind.ON_DEMAND, "on-demand two", "admin"));
      Backup b = settled(id);
      assertThat(b.status()).isEqualTo(BackupStatus.FAILED);
      assertThat(b.error()).hasValueSatisfying(e -> assertThat(e).startsWith("Job ca-backup-" + id + " failed"));
      assertThat(jobs.output.get("ca-backup-" + id)).contains("locked");
      assertThat(s3.client().listObjectsV2(r -> r.bucket(s3.bucket).prefix("tenant-museum-bk-two/")).contents())
          .isEmpty();
      assertThat(log(t)).contains("backup failed: on-demand backup " + id + " failed");
      await().atMost(Duration.ofSeconds(10)).until(() -> tenant(t.id()).statusDetail().isEmpty());
      assertThat(tenant(t.id()).status()).isEqualTo(TenantStatus.ACTIVE);
    } finally {
      await(mysql.admin().query("ALTER USER '" + t.names().dbUser() + "'@'%' ACCOUNT UNLOCK").execute());
    }
  }

  @Test
  void aPurgeTakesAFinalBackupKeptBackupFinalDaysBeforeTheDataGoes() {
    Tenant t = activeTenant("museum-bk-three");
    write(t, "CREATE TABLE objects (id INT PRIMARY KEY, title VARCHAR(100))");
    write(t, "INSERT INTO objects VALUES (7, 'Last one')");
    await(lifecycle.delete(t.id(), true, "admin", Optional.empty()));
    await().atMost(Duration.ofSeconds(60)).until(() -> tenant(t.id()).status() == TenantStatus.DELETED);

    List<Backup> all = await(new BackupStore().list(db.pool, t.id()));
    assertThat(all).singleElement().satisfies(b -> {
      assertThat(b.kind()).isEqualTo(BackupKind.FINAL);
      assertThat(b.status()).isEqualTo(BackupStatus.DONE);
      assertThat(b.keepUntil()).hasValueSatisfying(k -> assertThat(k)
          .isBetween(OffsetDateTime.now().plusDays(59), OffsetDateTime.now().plusDays(61)));
    });
    String key = all.get(0).objectKey().orElseThrow();
    assertThat(s3.client().headObject(r -> r.bucket(s3.bucket).key(key)).contentLength())
        .isEqualTo(all.get(0).sizeBytes().orElseThrow());
    // the database went after the backup had it
    assertThat(await(mysql.admin().query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
        + t.names().database() + "'").execute()).iterator().next().getLong(0)).isZero();
  }

  private Backup takenBackup(Tenant t, String key) {
    long id = await(lifecycle.requestBackup(t.id(), BackupKind.ON_DEMAND, key, "admin"));
    Backup b = settled(id);
    assertThat(b.status()).as("backup %s; Job output: %s", b, jobs.output).isEqualTo(BackupStatus.DONE);
    return b;
  }

  private String stepState(Tenant t, String step) {
    List<io.vertx.sqlclient.Row> rows = db.rows("SELECT state FROM tenant_steps WHERE tenant_id = $1 AND step = $2",
        t.id(), step);
    return rows.isEmpty() ? "none" : rows.get(0).getString(0);
  }

  private List<String> titles(Tenant t) {
    List<String> out = new java.util.ArrayList<>();
    await(mysql.admin().withConnection(c -> c.query("USE " + t.names().database()).execute()
        .compose(v -> c.query("SELECT id, title FROM objects ORDER BY id").execute())))
        .forEach(r -> out.add(r.getInteger(0) + " " + r.getString(1)));
    return out;
  }

  private long tables(Tenant t) {
    return await(mysql.admin().query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
        + t.names().database() + "'").execute()).iterator().next().getLong(0);
  }

  @Test
  void aRestoreBringsBackTheDatabaseAndTheMediaAsTheBackupHadThemWithTheSiteDownMeanwhile() throws Exception {
    Tenant t = activeTenant("museum-bk-four");
    write(t, "CREATE TABLE objects (id INT PRIMARY KEY, title VARCHAR(100))");
    write(t, "INSERT INTO objects VALUES (1, 'Amphora'), (2, 'Herbarium sheet')");
    Path mediaDir = jobs.media(t.names().namespace()).resolve("media").resolve(t.names().appName());
    Files.createDirectories(mediaDir);
    Files.writeString(mediaDir.resolve("a.txt"), "as backed up");
    Backup b = takenBackup(t, "before the accident");

    // after the backup: rows changed, added, deleted; a new table; media changed and added
    write(t, "INSERT INTO objects VALUES (3, 'Written after the backup')");
    write(t, "UPDATE objects SET title = 'Renamed after' WHERE id = 1");
    write(t, "DELETE FROM objects WHERE id = 2");
    write(t, "CREATE TABLE later (id INT)");
    Files.writeString(mediaDir.resolve("a.txt"), "changed after");
    Files.writeString(mediaDir.resolve("b.txt"), "added after");
    int commits = gitops.commits.size();

    io.vertx.core.json.JsonObject r = await(lifecycle.requestRestore(t.id(), b.id(), "admin"));
    long restoreId = r.getLong("restore_id");
    await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(stepState(t, RestoreScaleStep.UP)));

    assertThat(titles(t)).containsExactly("1 Amphora", "2 Herbarium sheet");
    assertThat(tables(t)).isEqualTo(1); // `later` is gone too
    assertThat(Files.readString(mediaDir.resolve("a.txt"))).isEqualTo("as backed up");
    assertThat(mediaDir.resolve("b.txt")).doesNotExist();
    // the Job checked the download against the checksum recorded at backup time
    Job restoreJob = client.batch().v1().jobs().inNamespace(t.names().namespace())
        .withName(BackupJob.restoreName(restoreId)).get();
    assertThat(restoreJob.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> {
          assertThat(e.getName()).isEqualTo("BACKUP_SHA256");
          assertThat(e.getValue()).isEqualTo(b.sha256().get());
        });
    assertThat(jobs.output.get(BackupJob.restoreName(restoreId))).contains("backup.tar.gz: OK");
    // down by a commit, back by a commit, each a step with its log
    assertThat(gitops.commits.subList(commits, gitops.commits.size())).hasSize(2).satisfiesExactly(
        c -> assertThat(c).endsWith("tenant-museum-bk-four suspended"),
        c -> assertThat(c).endsWith("tenant-museum-bk-four active"));
    assertThat(log(t)).anySatisfy(l -> assertThat(l).startsWith("restore.scale-down succeeded: site scaled to zero"))
        .anySatisfy(l -> assertThat(l).startsWith("restore.load succeeded: restore " + restoreId + " of backup "
            + b.id() + " loaded"))
        .anySatisfy(l -> assertThat(l).startsWith("restore.scale-up succeeded: site back after restore"));
    await().atMost(Duration.ofSeconds(10)).until(() -> tenant(t.id()).statusDetail().isEmpty());
    assertThat(tenant(t.id()).status()).isEqualTo(TenantStatus.ACTIVE);
  }

  @Test
  void aBackupWhoseBytesNoLongerMatchItsChecksumIsNotLoadedAndTheSiteStaysDown() {
    Tenant t = activeTenant("museum-bk-five");
    write(t, "CREATE TABLE objects (id INT PRIMARY KEY, title VARCHAR(100))");
    write(t, "INSERT INTO objects VALUES (1, 'Amphora')");
    Backup b = takenBackup(t, "to be damaged");
    write(t, "INSERT INTO objects VALUES (2, 'Written after the backup')");
    // the object is replaced behind the service's back
    s3.client().putObject(p -> p.bucket(s3.bucket).key(b.objectKey().get()),
        software.amazon.awssdk.core.sync.RequestBody.fromString("not the backup"));

    io.vertx.core.json.JsonObject r = await(lifecycle.requestRestore(t.id(), b.id(), "admin"));
    await().atMost(Duration.ofSeconds(60)).until(() -> "failed".equals(stepState(t, RestoreLoadStep.NAME)));
    assertThat(jobs.output.get(BackupJob.restoreName(r.getLong("restore_id")))).contains("FAILED");
    assertThat(titles(t)).containsExactly("1 Amphora", "2 Written after the backup"); // untouched
    assertThat(gitops.commits.get(gitops.commits.size() - 1)).endsWith("tenant-museum-bk-five suspended");
    assertThat(stepState(t, RestoreScaleStep.UP)).isEqualTo("none");
  }

  private static void untar(Path dir, String mode, String file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tar", mode, file).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }
}

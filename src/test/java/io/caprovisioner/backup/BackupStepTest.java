package io.caprovisioner.backup;

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
    s3 = new TestS3("ca-backups");
  }

  @AfterAll
  static void closeStorage() {
    s3.close();
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
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
        client, db.vertx.createSharedWorkerExecutor("test-k8s", 2), mysql, FAST));
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

  private static void untar(Path dir, String mode, String file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tar", mode, file).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }
}

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
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.ScheduledBackups;
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
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.time.format.DateTimeFormatter;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import io.caprovisioner.mail.MailSendHandler;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup schedule and retention end to end, with real parts: PostgreSQL (queue, tenants, backups), MariaDB (the tenant's
 * database, dumped by the real mariadb-dump), S3Proxy (a real S3 API on a local folder, written
 * by the Job's curl and read by the service's AWS SDK). Kubernetes cannot run here: fabric8's
 * mock server in CRUD mode, the test playing Argo CD and the Job controller ({@link FakeControllers}),
 * and the kubelet for backup Jobs, whose own script it runs on this machine ({@link LocalJobRunner}).
 */
@EnableKubernetesMockClient(crud = true)
class BackupScheduleTest {
  static KubernetesClient client;
  static TestS3 s3;

  @TempDir
  Path media;
  @TempDir
  Path plans;
  @TempDir
  Path home;
  private MailSendHandler mail;
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
        "DB_USER", m.user(), "DB_PASSWORD", m.password().get(), "BACKUP_FINAL_DAYS", "60",
        "PLANS_FILE", plansFile(), "PROVISIONER_HOME", home.toString()));
    env.putAll(s3.env());
    config = TestConfigs.config(env);
    lifecycle = new TenantLifecycle(db.pool, config.tenants(), config.plans());
    mysql = new SharedMysql(db.vertx, config.mysql());
    runner = new JobRunner(db.vertx, db.pool, QueueFixture.fast(2, "backups"));
    var k8s = db.vertx.createSharedWorkerExecutor("test-k8s", 2);
    runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(db.pool, config, gitops, gitops,
        client, k8s, mysql, FAST, StepObserver.NONE,
        TenantPipelineWiring.breakers(db.vertx, db.pool, gitops, client, k8s, mysql, TestBreakers.PROBING)));
    // the customer's messages as .eml files under PROVISIONER_HOME/outbox, as the service writes them without SMTP_URL
    mail = MailSendHandler.create(db.vertx, db.pool, config);
    runner.register(JobKind.MAIL_SEND.wire(), mail);
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
    await(mail.close());
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

  private List<String> log(Tenant t) {
    return db.rows("SELECT action, status, message FROM provisioning_logs WHERE tenant_id = $1 ORDER BY id", t.id())
        .stream().map(r -> r.getString(0) + " " + r.getString(1) + ": " + r.getString(2)).toList();
  }

  /** The starter plan backed up daily, its newest two scheduled backups kept: a window of two days. */
  private String plansFile() {
    Path file = plans.resolve("plans.yaml");
    try {
      Files.writeString(file, """
          plans:
            - name: starter
              price: {amount: 4900, currency: EUR}
              resources: {cpuRequest: 250m, memoryRequest: 512Mi, cpuLimit: "1", memoryLimit: 1Gi}
              storage: 10Gi
              caProfile: default
              backups: {every: 24h, keep: 2}
          """);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file.toString();
  }

  /** The test plays the passing days: the clock names the schedule's slot. */
  static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-02T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private List<Backup> backups(Tenant t, BackupKind kind) {
    return await(new BackupStore().list(db.pool, t.id())).stream().filter(b -> b.kind() == kind)
        .sorted(java.util.Comparator.comparingLong(Backup::id)).toList();
  }

  private List<String> objects(Tenant t) {
    return s3.client().listObjectsV2(r -> r.bucket(s3.bucket).prefix(BackupStorage.prefix(t.names()))).contents()
        .stream().map(o -> o.key()).sorted().toList();
  }

  private Backup takenBackup(Tenant t, String key) {
    long id = await(lifecycle.requestBackup(t.id(), BackupKind.ON_DEMAND, key, "admin"));
    Backup b = settled(id);
    assertThat(b.status()).as("backup %s; Job output: %s", b, jobs.output).isEqualTo(BackupStatus.DONE);
    return b;
  }

  private Backup scheduledOneSettled(Tenant t, int count) {
    await().atMost(Duration.ofSeconds(60)).until(() -> backups(t, BackupKind.SCHEDULED).size() == count);
    Backup b = settled(backups(t, BackupKind.SCHEDULED).get(count - 1).id());
    assertThat(b.status()).as("backup %s; Job output: %s", b, jobs.output).isEqualTo(BackupStatus.DONE);
    return b;
  }

  /** The plain text of the "deleted" message in the outbox, as a mail program reads it. */
  private Optional<String> deletionNotice() throws Exception {
    Path outbox = home.resolve("outbox");
    if (!Files.isDirectory(outbox)) {
      return Optional.empty();
    }
    List<Path> emls;
    try (var files = Files.list(outbox)) {
      emls = files.filter(f -> f.toString().endsWith(".eml")).toList();
    }
    for (Path eml : emls) {
      MimeMessage m;
      try (var in = Files.newInputStream(eml)) {
        m = new MimeMessage(Session.getInstance(new Properties()), in);
      }
      if (m.getSubject().contains("deleted") && m.getContent() instanceof Multipart parts) {
        for (int i = 0; i < parts.getCount(); i++) {
          if (parts.getBodyPart(i).isMimeType("text/plain")) {
            return Optional.of(((String) parts.getBodyPart(i).getContent()).replaceAll("\\s+", " "));
          }
        }
      }
    }
    return Optional.empty();
  }

  @Test
  void eachActiveTenantIsBackedUpOncePerIntervalAndRetentionDeletesTheOldObjectsAndOnlyThose() {
    Tenant a = activeTenant("museum-sched-a");
    Tenant b = activeTenant("museum-sched-b");
    await(lifecycle.suspend(b.id(), "admin", Optional.empty()));
    await().atMost(Duration.ofSeconds(60)).until(() -> tenant(b.id()).status() == TenantStatus.SUSPENDED);
    TestClock clock = new TestClock();
    ScheduledBackups schedule = new ScheduledBackups(db.pool, config.plans(), clock);

    assertThat(await(schedule.requestDue(500))).as("the active tenant, due since it became active").isEqualTo(1);
    assertThat(await(schedule.requestDue(500))).as("a second look (another replica's) asks for nothing").isZero();
    Backup first = scheduledOneSettled(a, 1);
    assertThat(first.requestKey()).isEqualTo("scheduled 2026-12-02T00:00:00Z every 24h");
    assertThat(first.requestedBy()).isEqualTo("schedule");
    assertThat(first.objectKey()).contains("tenant-museum-sched-a/" + first.id() + "-scheduled.tar.gz");
    assertThat(backups(b, BackupKind.SCHEDULED)).as("a suspended tenant is not scheduled").isEmpty();
    assertThat(log(a)).anyMatch(l -> l.equals("request info: scheduled backup " + first.id()
        + " requested by schedule (plan starter: every 24h, 2 kept)"));

    // the next day: its due date passes (the database's clock, moved by the test), its slot moves on
    for (int day = 2; day <= 3; day++) {
      assertThat(await(schedule.requestDue(500))).as("not due again within the interval").isZero();
      clock.advance(Duration.ofDays(1));
      db.rows("UPDATE tenants SET scheduled_backup_due_at = now() WHERE id = $1", a.id());
      assertThat(await(schedule.requestDue(500))).isEqualTo(1);
      scheduledOneSettled(a, day);
    }
    List<Backup> scheduled = backups(a, BackupKind.SCHEDULED);
    Backup oldOnDemand = takenBackup(a, "on-demand old");
    Backup recentOnDemand = takenBackup(a, "on-demand recent");
    // taken three days ago, as far as retention sees: beyond the plan's window of two days
    db.rows("UPDATE backups SET completed_at = now() - interval '3 days' WHERE id = $1", oldOnDemand.id());
    assertThat(objects(a)).hasSize(5);

    BackupRetention retention = new BackupRetention(db.vertx, db.pool, config.plans(), BackupStorage.of(config.backups()));
    assertThat(await(retention.sweep())).isEqualTo(2);
    assertThat(objects(a)).containsExactlyInAnyOrder(scheduled.get(1).objectKey().get(),
        scheduled.get(2).objectKey().get(), recentOnDemand.objectKey().get());
    assertThat(backup(scheduled.get(0).id())).satisfies(gone -> {
      assertThat(gone.status()).isEqualTo(BackupStatus.DELETED);
      assertThat(gone.deletedAt()).isPresent();
      assertThat(gone.sha256()).as("the record of what was kept stays").isEqualTo(scheduled.get(0).sha256());
    });
    assertThat(backup(oldOnDemand.id()).status()).isEqualTo(BackupStatus.DELETED);
    assertThat(backup(recentOnDemand.id()).status()).isEqualTo(BackupStatus.DONE);
    assertThat(log(a)).contains("backup.retention succeeded: scheduled backup " + scheduled.get(0).id()
        + " deleted from the storage (" + scheduled.get(0).objectKey().get()
        + "): beyond the plan's newest 2 scheduled backups");
    assertThat(log(a)).anyMatch(l -> l.startsWith("backup.retention succeeded: on-demand backup " + oldOnDemand.id()
        + " deleted from the storage") && l.contains("older than the plan's window (2 days)"));

    assertThat(await(retention.sweep())).as("a second sweep finds nothing more").isZero();
    assertThat(objects(a)).hasSize(3);
  }

  @Test
  void aDeletedTenantKeepsOnlyItsFinalBackupAndThatOneUntilItsKeepUntil() throws Exception {
    Tenant t = activeTenant("museum-sched-c");
    Backup onDemand = takenBackup(t, "on-demand before deletion");
    await(lifecycle.delete(t.id(), true, "admin", Optional.empty()));
    await().atMost(Duration.ofSeconds(60)).until(() -> tenant(t.id()).status() == TenantStatus.DELETED);
    Backup last = backups(t, BackupKind.FINAL).get(0);
    assertThat(objects(t)).containsExactlyInAnyOrder(onDemand.objectKey().get(), last.objectKey().get());
    BackupRetention retention = new BackupRetention(db.vertx, db.pool, config.plans(), BackupStorage.of(config.backups()));

    assertThat(await(retention.sweep())).isEqualTo(1);
    assertThat(objects(t)).containsExactly(last.objectKey().get());
    assertThat(log(t)).anyMatch(l -> l.endsWith("on-demand backup " + onDemand.id() + " deleted from the storage ("
        + onDemand.objectKey().get() + "): the tenant is deleted: only its final backup is kept"));

    // the customer's notice of the deletion points to that final backup, and says until when it is kept
    String until = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH)
        .format(last.keepUntil().orElseThrow().withOffsetSameInstant(ZoneOffset.UTC)) + " (UTC)";
    assertThat(db.rows("SELECT facts->>'final_backup_until' FROM outbound_messages WHERE tenant_id = $1 "
        + "AND kind = 'deleted'", t.id()).get(0).getString(0)).isNotNull();
    await().atMost(Duration.ofSeconds(30)).until(() -> deletionNotice().isPresent());
    assertThat(deletionNotice().get()).contains("A final backup of its database and media is kept until " + until
        + ": write to support@sites.example.org before then if you need it.");

    // BACKUP_FINAL_DAYS later, as far as retention sees
    db.rows("UPDATE backups SET keep_until = now() - interval '1 minute' WHERE id = $1", last.id());
    assertThat(await(retention.sweep())).isEqualTo(1);
    assertThat(objects(t)).isEmpty();
    assertThat(backup(last.id()).status()).isEqualTo(BackupStatus.DELETED);
    assertThat(log(t)).anyMatch(l -> l.startsWith("backup.retention succeeded: final backup " + last.id()
        + " deleted from the storage") && l.contains("(BACKUP_FINAL_DAYS)"));
  }
}

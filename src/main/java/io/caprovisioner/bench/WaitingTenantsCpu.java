package io.caprovisioner.bench;

import io.caprovisioner.app.TenantPipelineWiring;
import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.EmbeddedPostgresServer;
import io.caprovisioner.db.Migrations;
import io.caprovisioner.db.TenantStepStore;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.jobs.JobQueue;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.RunnerOptions;
import io.caprovisioner.k8s.KubernetesClients;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.pipeline.Dependency;
import io.caprovisioner.pipeline.DependencyBreakers;
import io.caprovisioner.pipeline.GitCommitStep;
import io.caprovisioner.pipeline.PipelineOptions;
import io.caprovisioner.pipeline.StepObserver;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.TenantSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * {@code waiting_tenants_cpu_pct}: 5,500 tenants (half with {@code --quick}) waiting at {@code mysql.create} for a shared
 * MySQL that does not answer (a closed port), with the service's reconciler, breakers and job
 * runner on an embedded PostgreSQL; the CPU this process uses meanwhile, and the server's, as % of one core. The
 * tenants' earlier step ({@code git.commit}) is recorded as achieved, as after a commit made
 * before the outage, so the run measures waiting, not committing. Once all are parked, their
 * safety-net wakes are spread over the safety net, as they are in a fleet that has waited that
 * long: the window then holds its share of them, not none.
 */
public final class WaitingTenantsCpu implements BenchPart {
  static final int TENANTS = 5_500;
  /**
   * Parking them is most of the part's time (each tenant's first reconcile, about twenty statements,
   * a minute for 5,500 here, bound by PostgreSQL's CPU): {@code --quick} parks half, to stay under
   * its three minutes, and says so in {@code waiting_tenants_parked}.
   */
  static final int QUICK_TENANTS = 2_750;

  @Override
  public String name() {
    return "waiting_tenants";
  }

  @Override
  public void run(BenchSettings settings, BenchFigures figures) throws Exception {
    Duration window = settings.quick() ? Duration.ofSeconds(12) : Duration.ofSeconds(60);
    Duration idleWindow = settings.quick() ? Duration.ofSeconds(5) : Duration.ofSeconds(10);
    int tenants = settings.quick() ? QUICK_TENANTS : TENANTS;
    Path dir = settings.workDir().resolve("waiting-tenants");
    Files.createDirectories(dir);
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"))) {
      Migrations.migrate(postgres.url());
      Vertx vertx = Vertx.vertx();
      Pool pool = Database.pool(vertx, postgres.url(), 16);
      Config config = ConfigLoader.load(environment(dir, postgres, closedPort()));
      KubernetesClient kubernetes = KubernetesClients.create(config.kubernetes());
      WorkerExecutor k8sWorkers = vertx.createSharedWorkerExecutor("bench-k8s", 2);
      SharedMysql mysql = new SharedMysql(vertx, config.mysql());
      YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
      JGitGitopsWriter gitops = new JGitGitopsWriter(vertx, config, renderer);
      DependencyBreakers breakers = TenantPipelineWiring.breakers(vertx, pool, gitops, kubernetes, k8sWorkers, mysql,
          DependencyBreakers.Timing.defaults());
      // more job slots than the default, so the fleet parks sooner; the window has little to run anyway
      JobRunner runner = new JobRunner(vertx, pool, RunnerOptions.defaults(12));
      runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(pool, config, gitops,
          renderer, kubernetes, k8sWorkers, mysql, PipelineOptions.defaults(), StepObserver.NONE, breakers));
      try {
        long seeding = System.nanoTime();
        seed(pool, config, renderer, tenants);
        figures.put("waiting_tenants_parked", tenants);
        figures.note(tenants + " tenants seeded in " + seconds(seeding) + " s");
        long parking = System.nanoTime();
        await(runner.start());
        JobQueue queue = new JobQueue();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (await(queue.parkedOn(pool, Dependency.MYSQL.wire())) < tenants) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("not every tenant parked at mysql.create within 5 minutes");
          }
          Thread.sleep(200);
        }
        figures.note("all " + tenants + " parked on the unreachable MySQL in " + seconds(parking) + " s");
        Thread.sleep(2_000); // the burst's garbage and compilations settle
        // just parked, none due for 7.5 minutes: what waiting costs without any safety-net run
        Optional<PostgresCpu> postgresCpu = PostgresCpu.of(dir.resolve("postgres"));
        CpuShare idle = CpuShare.over(idleWindow, postgresCpu);
        figures.put("waiting_tenants_idle_cpu_pct", idle.service());
        // parked jobs sleep 3/4 to all of the safety net (JobStore.park), 7/8 of it on average: in a fleet
        // that has waited that long their next runs are spread evenly over that mean
        long meanSleep = DependencyBreakers.Timing.defaults().safetyNet().toSeconds() * 7 / 8;
        await(pool.query("UPDATE jobs SET run_after = now() + random() * interval '" + meanSleep + " seconds' "
            + "WHERE parked_on = 'mysql' AND state = 'queued'").execute());
        CpuShare waiting = CpuShare.over(window, postgresCpu);
        int reruns = await(pool.query("SELECT count(*) FROM jobs WHERE updated_at > now() - interval '"
            + window.toSeconds() + " seconds' AND parked_on = 'mysql'").execute()).iterator().next().getInteger(0);
        figures.put("waiting_tenants_cpu_pct", waiting.service());
        figures.note("waiting_tenants_cpu_pct: this JVM over " + window.toSeconds() + " s with " + tenants
            + " tenants parked, " + reruns + " of them re-parked by their safety net meanwhile");
        if (waiting.postgres().isPresent()) {
          figures.put("waiting_tenants_postgres_cpu_pct", waiting.postgres().getAsDouble());
          figures.put("waiting_tenants_with_postgres_cpu_pct", waiting.service() + waiting.postgres().getAsDouble());
          figures.note("waiting_tenants_postgres_cpu_pct: the PostgreSQL server's processes in the same window "
              + "(idle window: " + String.format(java.util.Locale.ROOT, "%.2f", idle.postgres().getAsDouble()) + ")");
        } else {
          figures.note("waiting_tenants_postgres_cpu_pct: not measured (no /proc or no postmaster.pid here)");
        }
      } finally {
        breakers.close();
        await(runner.stop());
        gitops.close();
        kubernetes.close();
        await(mysql.closeFuture().orElse(Future.succeededFuture()));
        await(pool.close());
        await(vertx.close());
      }
    }
  }

  /** Through the service's own intake: each tenant provisioned; its commit recorded as made. */
  private static void seed(Pool pool, Config config, YamlTenantRenderer renderer, int tenants) throws Exception {
    TenantLifecycle lifecycle = new TenantLifecycle(pool, config.tenants(), config.plans());
    TenantStepStore steps = new TenantStepStore();
    int batch = 50;
    for (int from = 0; from < tenants; from += batch) {
      List<Future<Tenant>> made = new ArrayList<>();
      for (int i = from; i < Math.min(tenants, from + batch); i++) {
        made.add(lifecycle.provision(new ProvisionRequest("owner" + i + "@museum.example", "starter",
            Optional.of("waiting-" + i), TenantSource.MANUAL, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), "bench")).compose(t -> {
              String target = renderer.render(TenantDesired.of(t, config.plans(), Optional.empty())).specHash();
              return pool.withTransaction(sql -> steps.begin(sql, t.id(), GitCommitStep.NAME, 1, target)
                  .compose(v -> steps.achieved(sql, t.id(), GitCommitStep.NAME, target, List.of()))).map(t);
            }));
      }
      await(Future.all(made));
    }
  }

  private static Map<String, String> environment(Path dir, EmbeddedPostgresServer postgres, int mysqlPort) {
    SecureRandom random = new SecureRandom();
    Map<String, String> env = new HashMap<>();
    // the part opens its own pool on the embedded server; the configuration only needs a well-formed one
    env.put("DATABASE_URL", "postgresql://bench:unused@" + postgres.url().host() + ":" + postgres.url().port() + "/bench");
    env.put("ADMIN_API_TOKEN", hex(random, 32));
    env.put("SECRET_KEY", hex(random, 32));
    env.put("STRIPE_WEBHOOK_SECRET", "whsec_" + hex(random, 24));
    env.put("PROVISIONER_HOME", dir.resolve("home").toString());
    env.put("GITOPS_REPO_URL", dir.resolve("remote.git").toUri().toString());
    env.put("DB_HOST", "127.0.0.1");
    env.put("DB_PORT", Integer.toString(mysqlPort));
    env.put("DB_PASSWORD", hex(random, 16));
    return env;
  }

  /** A port nothing listens on: the shared MySQL that is down. */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** CPU over a window as % of one core: this JVM, and the PostgreSQL server where it can be read. */
  private record CpuShare(double service, OptionalDouble postgres) {
    static CpuShare over(Duration window, Optional<PostgresCpu> postgresCpu) throws Exception {
      long cpu = processCpuNanos();
      OptionalLong pgCpu = postgresCpu.isPresent() ? OptionalLong.of(postgresCpu.get().cpuNanos()) : OptionalLong.empty();
      long start = System.nanoTime();
      Thread.sleep(window.toMillis());
      long elapsed = System.nanoTime() - start;
      double service = 100.0 * (processCpuNanos() - cpu) / elapsed;
      return new CpuShare(service, pgCpu.isPresent()
          ? OptionalDouble.of(100.0 * (postgresCpu.get().cpuNanos() - pgCpu.getAsLong()) / elapsed)
          : OptionalDouble.empty());
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String hex(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String seconds(long sinceNanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - sinceNanos) / 1e9);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
  }
}

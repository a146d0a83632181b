package io.caprovisioner.bench;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.EmbeddedPostgresServer;
import io.caprovisioner.db.Migrations;
import io.caprovisioner.jobs.JobQueue;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.jobs.RunnerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The job queue on its own (embedded PostgreSQL, durable): {@code crash_recovery_s}, a runner in
 * a child JVM holding {@value #HELD} jobs is killed with SIGKILL and this process' runner finishes
 * them, timed from the kill; then {@code jobs_per_s}, a backlog of jobs of one checkpointed
 * (fenced) no-op step each drained by one runner with the service's default 4 workers.
 */
public final class JobsBench implements BenchPart {
  static final int WORKERS = 4;
  static final int HELD = WORKERS;
  private static final String NOOP = "bench.noop";

  @Override
  public String name() {
    return "jobs";
  }

  @Override
  public void run(BenchSettings settings, BenchFigures figures) throws Exception {
    int backlog = settings.quick() ? 1000 : 10_000;
    Path dir = settings.workDir().resolve("jobs");
    try (QuietLogs quiet = QuietLogs.warnings(); EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"))) {
      DatabaseUrl url = pg.url();
      Migrations.migrate(url);
      Vertx vertx = Vertx.vertx();
      Pool pool = Database.pool(vertx, url, 16);
      JobRunner runner = new JobRunner(vertx, pool, RunnerOptions.defaults(WORKERS))
          .register(HeldJobsChild.KIND, ctx -> ctx.fenced(sql -> Future.succeededFuture()).map(v -> Outcome.done("ok")))
          .register(NOOP, ctx -> ctx.fenced(sql -> Future.succeededFuture()).map(v -> Outcome.done("ok")));
      try {
        crashRecovery(url, pool, runner, dir, figures);
        enqueue(pool, NOOP, backlog);
        long started = System.nanoTime();
        waitUntil(pool, NOOP, backlog, Duration.ofMinutes(10));
        figures.put("jobs_per_s", backlog / ((System.nanoTime() - started) / 1e9));
        figures.note("jobs_per_s: " + backlog + " queued jobs of one fenced no-op step, " + WORKERS + " workers");
      } finally {
        WebhookBench.await(runner.stop());
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void crashRecovery(DatabaseUrl url, Pool pool, JobRunner runner, Path dir, BenchFigures figures)
      throws Exception {
    enqueue(pool, HeldJobsChild.KIND, HELD);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        HeldJobsChild.class.getName(), url.host(), Integer.toString(url.port()), url.database(), url.user(),
        Integer.toString(WORKERS))
        .redirectErrorStream(true).redirectOutput(dir.resolve("held-jobs-child.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (count(pool, "SELECT count(*) FROM jobs WHERE kind = $1 AND state = 'running'", HeldJobsChild.KIND) < HELD) {
        if (System.nanoTime() > deadline || !child.isAlive()) {
          throw new IllegalStateException("the child runner did not claim its " + HELD + " jobs (see its log)");
        }
        Thread.sleep(20);
      }
    } finally {
      child.destroyForcibly();
    }
    child.waitFor(10, TimeUnit.SECONDS);
    long killed = System.nanoTime();
    WebhookBench.await(runner.start());
    waitUntil(pool, HeldJobsChild.KIND, HELD, Duration.ofMinutes(5));
    figures.put("crash_recovery_s", (System.nanoTime() - killed) / 1e9);
    figures.note("crash_recovery_s: a child JVM's runner held " + HELD + " running jobs, was killed with SIGKILL; "
        + "from the kill until another runner had finished them all");
  }

  private static void enqueue(Pool pool, String kind, int n) throws Exception {
    JobQueue queue = new JobQueue();
    for (int from = 0; from < n; from += 1000) {
      List<JsonObject> payloads = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 1000); i++) {
        payloads.add(new JsonObject().put("n", i));
        keys.add(kind + ":" + i);
      }
      WebhookBench.await(pool.withTransaction(sql -> queue.enqueueAll(sql, kind, payloads, keys)));
    }
  }

  private static void waitUntil(Pool pool, String kind, int done, Duration patience) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    while (count(pool, "SELECT count(*) FROM jobs WHERE kind = $1 AND state = 'done'", kind) < done) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("jobs of " + kind + " not done within " + patience.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  private static long count(Pool pool, String sql, String kind) throws Exception {
    return WebhookBench.await(pool.preparedQuery(sql).execute(Tuple.of(kind))).iterator().next().getLong(0);
  }
}

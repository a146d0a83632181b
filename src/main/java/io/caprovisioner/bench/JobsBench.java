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
 * The job queue on its own (embedded PostgreSQL, durable): {@code jobs_per_s}, a backlog of jobs
 * of one checkpointed (fenced) no-op step each drained by one runner with the service's default 4
 * workers. ({@code crash_recovery_s} is {@link CrashRecovery}'s.)
 */
public final class JobsBench implements BenchPart {
  static final int WORKERS = 4;
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
          .register(NOOP, ctx -> ctx.fenced(sql -> Future.succeededFuture()).map(v -> Outcome.done("ok")));
      try {
        WebhookBench.await(runner.start());
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

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code crash_recovery_s}: a runner process holding jobs is killed with SIGKILL; the seconds until
 * a second runner (already running, production settings) has finished every one of them.
 */
public final class CrashRecovery implements BenchPart {
  private static final String KIND = "bench.hold";
  private static final int JOBS = 8;

  @Override
  public String name() {
    return "crash_recovery";
  }

  @Override
  public void run(BenchSettings settings, BenchFigures figures) throws Exception {
    int rounds = settings.quick() ? 1 : 3;
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(settings.workDir().resolve("crash-pg"))) {
      DatabaseUrl url = postgres.url();
      Migrations.migrate(url);
      Vertx vertx = Vertx.vertx();
      Pool pool = Database.pool(vertx, url, 4);
      try {
        List<Double> seconds = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          seconds.add(oneCrash(vertx, pool, url, "bench-crash-" + round));
        }
        seconds.sort(Double::compare);
        figures.put("crash_recovery_s", seconds.get(seconds.size() / 2));
        figures.note("crash_recovery_s: median of " + rounds + " SIGKILLs of a runner process holding " + JOBS
            + " jobs (lease 60 s, heartbeat 1 s, dead after 5 s)");
      } finally {
        await(pool.close());
        await(vertx.close());
      }
    }
  }

  private static double oneCrash(Vertx vertx, Pool pool, DatabaseUrl url, String childId) throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      ids.add(await(pool.withTransaction(sql -> new JobQueue().enqueue(sql, null, KIND, new JsonObject(), null)))
          .orElseThrow());
    }
    try (RunnerProcess.Child child = RunnerProcess.launch(url, childId, KIND, -1, JOBS)) {
      until(() -> count(pool, "state = 'running' AND locked_by LIKE $1", childId + "#%") == JOBS, 60);
      JobRunner rescuer = new JobRunner(vertx, pool, RunnerOptions.defaults(4).withRunnerId(childId + "-rescuer"))
          .register(KIND, ctx -> Future.succeededFuture(Outcome.done("rescued")));
      await(rescuer.start());
      try {
        child.kill();
        long killed = System.nanoTime();
        until(() -> count(pool, "state = 'done' AND id = ANY($1)", ids.toArray(new Long[0])) == JOBS, 120);
        return (System.nanoTime() - killed) / 1e9;
      } finally {
        await(rescuer.stop());
      }
    }
  }

  private static long count(Pool pool, String where, Object arg) {
    return await(pool.preparedQuery("SELECT count(*) FROM jobs WHERE " + where).execute(Tuple.of(arg))
        .map(rows -> rows.iterator().next().getLong(0)));
  }

  private interface Check {
    boolean holds();
  }

  private static void until(Check check, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no result within " + seconds + " s");
      }
      Thread.sleep(Duration.ofMillis(50).toMillis());
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.caprovisioner.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Throughput and latency of the queue with no-op steps, on the test PostgreSQL (embedded, same
 * machine). Run after {@code mvn -q -o test-compile} with the test classpath
 * ({@code mvn dependency:build-classpath -Dmdep.includeScope=test}), e.g.
 * {@code java -cp target/test-classes:target/classes:$CP io.caprovisioner.jobs.QueueBenchmark}.
 * Args: [jobs=2000] [workers=8] [tenants=200] [trickle=200].
 *
 * <p>Backlog: {@code jobs} queued at once over {@code tenants} tenants, then one runner drains them:
 * claimed/s and completed/s. Trickle: {@code trickle} jobs enqueued one at a time, 10 ms apart, on
 * an idle runner: median time from enqueue (commit + NOTIFY) to start.
 */
public final class QueueBenchmark {
  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int tenantCount = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int trickle = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    try (QueueFixture db = new QueueFixture()) {
      List<Long> tenants = new ArrayList<>();
      for (int i = 0; i < tenantCount; i++) {
        tenants.add(db.tenant("bench" + i));
      }
      for (int i = 0; i < jobs; i++) {
        db.enqueue(tenants.get(i % tenantCount), "bench.noop", new JsonObject(), null);
      }
      var runner = db.runner(QueueFixture.fast(workers, "bench").withPoll(Duration.ofSeconds(1)))
          .register("bench.noop", ctx -> ctx.fenced(sql -> Future.succeededFuture()).map(v -> Outcome.done("ok")))
          .register("bench.bare", ctx -> Future.succeededFuture(Outcome.done("ok")));
      long t0 = System.nanoTime();
      runner.start();
      while (count(db, "SELECT count(*) FROM jobs WHERE state = 'done'") < jobs) {
        Thread.sleep(20);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      Row span = db.rows("SELECT extract(epoch FROM max(started_at) - min(started_at)) AS claim_span, "
          + "extract(epoch FROM max(finished_at) - min(started_at)) AS done_span FROM jobs").get(0);
      System.out.printf("backlog: %d jobs (one checkpointed no-op step each), %d tenants, %d workers%n", jobs,
          tenantCount, workers);
      System.out.printf("  claimed:   %.0f jobs/s%n", jobs / span.getDouble("claim_span"));
      System.out.printf("  completed: %.0f jobs/s (wall %.2f s)%n", jobs / span.getDouble("done_span"), secs);

      List<Double> latencies = new ArrayList<>();
      for (int i = 0; i < trickle; i++) {
        long id = db.enqueue(null, "bench.bare", new JsonObject(), null).orElseThrow();
        Thread.sleep(10);
        while (db.job(id).getOffsetDateTime("started_at") == null) {
          Thread.sleep(1);
        }
        Row r = db.rows("SELECT extract(epoch FROM started_at - created_at) * 1000 AS ms FROM jobs WHERE id = $1", id)
            .get(0);
        latencies.add(r.getDouble("ms"));
      }
      Collections.sort(latencies);
      System.out.printf("trickle: %d jobs on an idle runner: enqueue-to-start median %.1f ms, p95 %.1f ms%n",
          trickle, latencies.get(latencies.size() / 2), latencies.get((int) (latencies.size() * 0.95)));
      QueueFixture.await(runner.dispatcher().stop());
    }
    System.exit(0);
  }

  private static long count(QueueFixture db, String sql) {
    return db.rows(sql).get(0).getLong(0);
  }
}

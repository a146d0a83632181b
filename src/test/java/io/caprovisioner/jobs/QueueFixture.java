package io.caprovisioner.jobs;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.caprovisioner.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A fresh database and blocking helpers for queue tests. */
public final class QueueFixture implements AutoCloseable {
  public final DatabaseUrl url = TestPostgres.freshDatabase();
  public final Vertx vertx = Vertx.vertx();
  public final Pool pool = pool(vertx, url, 8);
  private final List<Vertx> extra = new ArrayList<>();

  /** TestPostgres has no password, which PgConnectOptions refuses as null. */
  public static Pool pool(Vertx vertx, DatabaseUrl url, int size) {
    DatabaseUrl withPassword = new DatabaseUrl(url.host(), url.port(), url.database(), url.user(),
        url.password() == null ? "" : url.password());
    return Database.pool(vertx, withPassword, size);
  }

  public static RunnerOptions fast(int workers, String id) {
    return RunnerOptions.defaults(workers).withRunnerId(id).withLease(Duration.ofSeconds(5))
        .withPoll(Duration.ofMillis(200)).withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)))
        .withStopGrace(Duration.ofSeconds(5));
  }

  /** A runner on its own Vert.x instance and pool, as another process would have. */
  Runner runner(RunnerOptions options) {
    Vertx v = Vertx.vertx();
    extra.add(v);
    Pool p = pool(v, url, 4);
    return new Runner(v, new JobDispatcher(v, p, options), p, options);
  }

  record Runner(Vertx vertx, JobDispatcher dispatcher, Pool pool, RunnerOptions options) {
    Runner register(String kind, JobHandler h) {
      dispatcher.register(kind, h);
      return this;
    }

    Runner register(String kind, JobHandler h, int slots) {
      dispatcher.register(kind, h, slots);
      return this;
    }

    JobWakeup start() {
      await(new RunnerHeartbeat(vertx, pool, dispatcher, options).start());
      JobWakeup w = new JobWakeup(vertx, pool, dispatcher, options.poll());
      await(w.start());
      return w;
    }
  }

  public long tenant(String name) {
    return await(pool.preparedQuery("INSERT INTO tenants (name, namespace, helm_release_name, domain, db_name, "
            + "db_user, app_name, plan, source) VALUES ($1, $2, $2, $3, $4, $4, $4, 'starter', 'manual') RETURNING id")
        .execute(Tuple.of(name, "tenant-" + name, "tenant-" + name + ".example.org", "ca_" + name))
        .map(r -> r.iterator().next().getLong("id")));
  }

  Optional<Long> enqueue(Long tenantId, String kind, JsonObject payload, String dedupe) {
    return await(pool.withTransaction(sql -> new JobQueue().enqueue(sql, tenantId, kind, payload, dedupe)));
  }

  public Row job(long id) {
    return await(pool.preparedQuery("SELECT * FROM jobs WHERE id = $1").execute(Tuple.of(id))
        .map(r -> r.iterator().next()));
  }

  public List<Row> rows(String sql, Object... args) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(args)).map(r -> {
      List<Row> out = new ArrayList<>();
      r.forEach(out::add);
      return out;
    }));
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (Vertx v : extra) {
      try {
        await(v.close());
      } catch (RuntimeException ignored) {
        // already closed by the test (a "killed" runner)
      }
    }
    await(pool.close());
    await(vertx.close());
  }
}

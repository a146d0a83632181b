package io.caprovisioner.jobs;

import static io.caprovisioner.jobs.QueueFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobDispatcherTest {
  private final QueueFixture db = new QueueFixture();

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void twoRunnersOnOneDatabaseRunEveryJobExactlyOnceAndEachTenantInOrder() {
    List<Long> tenants = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tenants.add(db.tenant("t" + i));
    }
    Map<Long, Integer> runs = new ConcurrentHashMap<>();
    Map<Long, List<Long>> startedPerTenant = new ConcurrentHashMap<>();
    Map<Long, AtomicInteger> concurrentPerTenant = new ConcurrentHashMap<>();
    AtomicInteger overlap = new AtomicInteger();
    JobHandler handler = ctx -> {
      Job job = ctx.job();
      runs.merge(job.id(), 1, Integer::sum);
      job.subject().ifPresent(t -> {
        startedPerTenant.computeIfAbsent(t, k -> Collections.synchronizedList(new ArrayList<>())).add(job.id());
        if (concurrentPerTenant.computeIfAbsent(t, k -> new AtomicInteger()).incrementAndGet() > 1) {
          overlap.incrementAndGet();
        }
      });
      Promise<Outcome> p = Promise.promise();
      ctx.vertx().setTimer(1 + job.id() % 5, x -> {
        job.subject().ifPresent(t -> concurrentPerTenant.get(t).decrementAndGet());
        p.complete(Outcome.done("ok"));
      });
      return p.future();
    };
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      Long tenant = i % 6 == 0 ? null : tenants.get(i % tenants.size());
      ids.add(db.enqueue(tenant, "test.noop", new JsonObject(), null).orElseThrow());
    }
    var a = db.runner(QueueFixture.fast(4, "a")).register("test.noop", handler);
    var b = db.runner(QueueFixture.fast(4, "b")).register("test.noop", handler);
    a.start();
    b.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> db.rows("SELECT id FROM jobs WHERE state <> 'done'").isEmpty());
    assertThat(runs).hasSize(ids.size());
    assertThat(runs.values()).allMatch(n -> n == 1);
    assertThat(overlap).hasValue(0);
    startedPerTenant.values().forEach(order -> assertThat(order).isSorted());
    List<String> lockedBy = db.rows("SELECT DISTINCT split_part(locked_by, '#', 1) FROM jobs").stream()
        .map(r -> r.getString(0)).toList();
    assertThat(lockedBy).containsOnlyNulls(); // settled jobs keep no lock
  }

  @Test
  void aJobWhoseWorkerStalledRunsAgainAfterItsLeaseExpiresAndTheStalledWorkersWritesAreRefused() {
    long tenant = db.tenant("stalled");
    db.rows("CREATE TABLE effects (job_id BIGINT, by_runner TEXT)");
    Promise<Void> resume = Promise.promise();
    AtomicInteger refused = new AtomicInteger();
    // first runner: stalls (a SIGSTOP, a long GC pause) past its lease, then tries to record its work
    JobHandler stalling = ctx -> ctx.progress("two")
        .compose(v -> resume.future())
        .compose(v -> ctx.fenced(sql -> sql.preparedQuery("INSERT INTO effects VALUES ($1, 'stalled')")
            .execute(io.vertx.sqlclient.Tuple.of(ctx.job().id()))))
        .map(v -> Outcome.done("late"))
        .onFailure(e -> {
          if (e instanceof LeaseLostException) {
            refused.incrementAndGet();
          }
        });
    JobHandler healthy = ctx -> ctx.fenced(sql -> sql.preparedQuery("INSERT INTO effects VALUES ($1, 'rescuer')")
        .execute(io.vertx.sqlclient.Tuple.of(ctx.job().id()))).map(v -> Outcome.done("done"));
    long id = db.enqueue(tenant, "test.pipeline", new JsonObject(), null).orElseThrow();
    // a long lease: no renewal comes in the test's time, so nothing but the database's fence can refuse
    var stalled = db.runner(QueueFixture.fast(1, "stalled").withLease(Duration.ofMinutes(5)))
        .register("test.pipeline", stalling);
    stalled.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> "two".equals(db.job(id).getString("step")));
    // the pause outlasts the lease
    db.rows("UPDATE jobs SET lease_until = now() - interval '1 second' WHERE id = $1", id);
    var rescuer = db.runner(QueueFixture.fast(1, "rescuer")).register("test.pipeline", healthy);
    rescuer.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(db.job(id).getString("state")));
    Row job = db.job(id);
    assertThat(job.getInteger("attempts")).isEqualTo(2);
    assertThat(job.getString("last_error")).contains("lease expired");
    // the stalled worker wakes up: its write is refused, the job stays the rescuer's result
    stalled.vertx().runOnContext(v -> resume.complete());
    await().atMost(Duration.ofSeconds(10)).untilAtomic(refused, org.hamcrest.Matchers.equalTo(1));
    assertThat(db.rows("SELECT by_runner FROM effects")).extracting(r -> r.getString(0)).containsExactly("rescuer");
    assertThat(db.job(id).getString("state")).isEqualTo("done");
  }

  @Test
  void aRequestWhileTheJobRunsRunsItOnceMoreAndARequestWhileItWaitsWakesIt() {
    long tenant = db.tenant("requested");
    AtomicInteger runs = new AtomicInteger();
    Promise<Void> firstRunMayEnd = Promise.promise();
    JobHandler handler = ctx -> {
      int n = runs.incrementAndGet();
      if (n == 1) {
        return firstRunMayEnd.future().map(v -> Outcome.done("first"));
      }
      if (n == 2) {
        return Future.succeededFuture(Outcome.waitFor("nothing to do for an hour", Duration.ofHours(1)));
      }
      return Future.succeededFuture(Outcome.done("third"));
    };
    db.runner(QueueFixture.fast(1, "r")).register("test.reconcile", handler).start();
    long id = request(tenant);
    await().atMost(Duration.ofSeconds(10)).until(() -> "running".equals(db.job(id).getString("state")));
    // asked again while running (twice): one job, marked to run once more
    assertThat(request(tenant)).isEqualTo(id);
    assertThat(request(tenant)).isEqualTo(id);
    db.vertx.runOnContext(v -> firstRunMayEnd.complete());
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2
        && "queued".equals(db.job(id).getString("state")));
    // waiting an hour; a request makes it due now
    assertThat(request(tenant)).isEqualTo(id);
    await().atMost(Duration.ofSeconds(10)).until(() -> "done".equals(db.job(id).getString("state")));
    assertThat(runs).hasValue(3);
    assertThat(db.rows("SELECT id FROM jobs")).hasSize(1);
  }

  private long request(long tenant) {
    return await(db.pool.withTransaction(sql -> new JobQueue().request(sql, tenant, "test.reconcile",
        new JsonObject())));
  }

  @Test
  void aFailingJobIsRetriedWithBackoffThenDeadAndItsHandlerIsTold() {
    long tenant = db.tenant("fails");
    List<String> deadErrors = new CopyOnWriteArrayList<>();
    AtomicInteger tries = new AtomicInteger();
    JobHandler failing = new JobHandler() {
      @Override
      public Future<Outcome> run(JobContext ctx) {
        return Future.failedFuture(new IllegalStateException("boom " + tries.incrementAndGet()));
      }

      @Override
      public Future<Void> dead(Job job, String lastError) {
        deadErrors.add(lastError);
        return Future.succeededFuture();
      }
    };
    long id = db.enqueue(tenant, "test.fail", new JsonObject(), null).orElseThrow();
    db.rows("UPDATE jobs SET max_attempts = 3 WHERE id = $1", id);
    // a later job of the same tenant waits for the first one to settle
    long later = db.enqueue(tenant, "test.ok", new JsonObject(), null).orElseThrow();
    List<Long> laterStartedWhileFirstQueued = new CopyOnWriteArrayList<>();
    db.runner(QueueFixture.fast(2, "r")).register("test.fail", failing).register("test.ok", ctx -> {
      if (!"dead".equals(db.job(id).getString("state"))) {
        laterStartedWhileFirstQueued.add(ctx.job().id());
      }
      return Future.succeededFuture(Outcome.done("ok"));
    }).start();

    await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(db.job(later).getString("state")));
    Row job = db.job(id);
    assertThat(job.getString("state")).isEqualTo("dead");
    assertThat(job.getInteger("attempts")).isEqualTo(3);
    assertThat(job.getString("last_error")).isEqualTo("boom 3");
    assertThat(deadErrors).containsExactly("boom 3");
    assertThat(laterStartedWhileFirstQueued).isEmpty();
  }

  @Test
  void waitingCostsNoAttemptAndADedupeKeyQueuesWorkOnce() {
    long tenant = db.tenant("waits");
    AtomicInteger calls = new AtomicInteger();
    JobHandler waitsTwice = ctx -> Future.succeededFuture(calls.incrementAndGet() < 3
        ? Outcome.waitFor("DB_HOST is not set", Duration.ofMillis(50)) : Outcome.done("ok"));
    assertThat(db.enqueue(tenant, "test.wait", new JsonObject(), "w:1")).isPresent();
    assertThat(db.enqueue(tenant, "test.wait", new JsonObject(), "w:1")).isEmpty();
    db.runner(QueueFixture.fast(1, "r")).register("test.wait", waitsTwice).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> db.rows("SELECT id FROM jobs WHERE state = 'done'").size() == 1);
    Row job = db.rows("SELECT * FROM jobs").get(0);
    assertThat(job.getInteger("attempts")).isEqualTo(1);
    assertThat(calls).hasValue(3);
    assertThat(db.rows("SELECT id FROM jobs")).hasSize(1);
    // once done, the same key may be queued again (new work)
    assertThat(db.enqueue(tenant, "test.wait", new JsonObject(), "w:1")).isPresent();
  }

  @Test
  void aNotifyWakesTheRunnerLongBeforeThePoll() {
    AtomicInteger ran = new AtomicInteger();
    db.runner(QueueFixture.fast(1, "r").withPoll(Duration.ofHours(1))).register("test.noop", ctx -> {
      ran.incrementAndGet();
      return Future.succeededFuture(Outcome.done("ok"));
    }).start();
    db.enqueue(null, "test.noop", new JsonObject(), null);
    await().atMost(Duration.ofSeconds(5)).untilAtomic(ran, org.hamcrest.Matchers.equalTo(1));
  }

  @Test
  void stopLetsNothingHangAndGivesAnUnfinishedJobBackWithoutCountingTheAttempt() {
    Promise<Outcome> never = Promise.promise();
    var r = db.runner(QueueFixture.fast(1, "r").withStopGrace(Duration.ofMillis(300)))
        .register("test.slow", ctx -> never.future());
    r.start();
    long id = db.enqueue(null, "test.slow", new JsonObject(), null).orElseThrow();
    await().atMost(Duration.ofSeconds(5)).until(() -> "running".equals(db.job(id).getString("state")));

    await(r.dispatcher().stop());
    Row job = db.job(id);
    assertThat(job.getString("state")).isEqualTo("queued");
    assertThat(job.getInteger("attempts")).isZero();
    assertThat(job.getString("locked_by")).isNull();
  }

  @Test
  void aKindWithSlotsOfItsOwnRunsWhileEverySharedSlotHangs() {
    Promise<Outcome> never = Promise.promise();
    AtomicInteger applied = new AtomicInteger();
    var r = db.runner(QueueFixture.fast(2, "lanes").withStopGrace(Duration.ofMillis(300)))
        .register("test.hangs", ctx -> never.future())
        .register("test.apply", ctx -> {
          applied.incrementAndGet();
          return Future.succeededFuture(Outcome.done("applied"));
        }, 1);
    for (int i = 0; i < 4; i++) {
      db.enqueue(null, "test.hangs", new JsonObject(), null);
    }
    r.start();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> db.rows("SELECT id FROM jobs WHERE state = 'running'").size() == 2);
    for (int i = 0; i < 3; i++) {
      db.enqueue(null, "test.apply", new JsonObject(), null);
    }

    await().atMost(Duration.ofSeconds(10)).untilAtomic(applied, org.hamcrest.Matchers.equalTo(3));
    assertThat(db.rows("SELECT id FROM jobs WHERE kind = 'test.apply' AND state <> 'done'")).isEmpty();
    // the hanging kind still has only its two shared slots: its other jobs wait
    assertThat(db.rows("SELECT id FROM jobs WHERE kind = 'test.hangs' AND state = 'running'")).hasSize(2);
    await(r.dispatcher().stop());
  }
}

package io.caprovisioner.jobs;

import static io.caprovisioner.jobs.QueueFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Parking on real PostgreSQL: a parked job is not re-run until woken, and no wake is ever missed. */
class ParkedJobsTest {
  private static final Duration SAFETY_NET = Duration.ofMinutes(10);
  private final QueueFixture db = new QueueFixture();
  private final JobQueue queue = new JobQueue();

  @AfterEach
  void close() {
    db.close();
  }

  private long parkedJob(String tenant) {
    long id = db.tenant(tenant);
    // requested as the reconciler's jobs are: at most one queued or running per tenant
    return await(db.pool.withTransaction(sql -> queue.request(sql, id, "test.parked", new JsonObject())));
  }

  private boolean parked(long id) {
    return db.rows("SELECT 1 FROM jobs WHERE id = $1 AND state = 'queued' AND parked_on = 'mysql' "
        + "AND run_after > now() + interval '5 minutes' AND attempts = 0", id).size() == 1;
  }

  @Test
  void aParkedJobRunsAgainOnlyWhenItsDependencyIsWokenOrItIsRequestedAgain() throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    long id = parkedJob("parked");
    db.runner(QueueFixture.fast(2, "a")).register("test.parked", ctx -> {
      runs.incrementAndGet();
      return Future.succeededFuture(Outcome.parkOn("MySQL is unreachable", "mysql", SAFETY_NET));
    }).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> parked(id));
    Thread.sleep(1_500); // the runner polls every 200 ms: a parked job is not due
    assertThat(runs).hasValue(1);
    assertThat(db.job(id).getString("wait_reason")).isEqualTo("MySQL is unreachable");

    // another dependency's recovery does not touch it; its own does
    assertThat(await(queue.wakeParked(db.pool, "kubernetes"))).isZero();
    assertThat(await(queue.wakeParked(db.pool, "mysql"))).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2 && parked(id));

    // a new intent for the tenant wakes it too
    long tenant = db.job(id).getLong("tenant_id");
    await(db.pool.withTransaction(sql -> queue.request(sql, tenant, "test.parked", new JsonObject())));
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 3 && parked(id));
  }

  @Test
  void aJobThatParksAfterAWakeSinceItsClaimIsDueAtOnceNotLeftAsleep() {
    // another replica's probe wakes the dependency while this run still believes it is down
    AtomicInteger runs = new AtomicInteger();
    long id = parkedJob("raced");
    db.runner(QueueFixture.fast(1, "a")).register("test.parked", ctx -> {
      if (runs.incrementAndGet() == 1) {
        return queue.wakeParked(db.pool, "mysql")
            .map(n -> Outcome.parkOn("MySQL is unreachable", "mysql", SAFETY_NET));
      }
      return Future.succeededFuture(Outcome.done("MySQL answered"));
    }).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> "done".equals(db.job(id).getString("state")));
    assertThat(runs).hasValue(2);
  }
}

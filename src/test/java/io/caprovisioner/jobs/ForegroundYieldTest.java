package io.caprovisioner.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Background work yields to a burst of acknowledgements, keeps going slowly, and is back at full speed after it. */
class ForegroundYieldTest {
  private final QueueFixture db = new QueueFixture();

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void duringABurstOfWebhooksEachLaneRunsOneJobAtATimeAndRestsThenAllSlotsWorkOffTheBacklog() throws Exception {
    ForegroundLoad acks = new ForegroundLoad();
    AtomicBoolean burst = new AtomicBoolean(true);
    Thread webhooks = new Thread(() -> {
      while (burst.get()) {
        acks.answered(1_000_000); // about 1,000 answered webhooks a second
        sleep(1);
      }
    });
    webhooks.start();
    await().until(acks::busy);

    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnceInBurst = new AtomicInteger();
    AtomicInteger mostAtOnceAfter = new AtomicInteger();
    AtomicInteger doneInBurst = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    JobHandler twentyMillis = ctx -> {
      int now = running.incrementAndGet();
      (burst.get() ? mostAtOnceInBurst : mostAtOnceAfter).accumulateAndGet(now, Math::max);
      Promise<Outcome> p = Promise.promise();
      ctx.vertx().setTimer(20, t -> {
        running.decrementAndGet();
        if (burst.get()) {
          doneInBurst.incrementAndGet();
        }
        done.incrementAndGet();
        p.complete(Outcome.done("ok"));
      });
      return p.future();
    };
    int jobs = 120;
    for (int i = 0; i < jobs; i++) {
      db.enqueue(null, "test.work", new JsonObject(), null);
    }
    YieldingRunner runner = new YieldingRunner(db, acks, twentyMillis);
    runner.start();
    Thread.sleep(2_000);
    burst.set(false);
    webhooks.join();
    await().atMost(Duration.ofSeconds(30)).until(() -> done.get() == jobs);

    // 2 s at one job of 20 ms, then a rest 19 times as long: about 5; at 4 slots it would be all 120
    assertThat(mostAtOnceInBurst).hasValue(1);
    assertThat(doneInBurst.get()).isBetween(2, 15);
    assertThat(mostAtOnceAfter.get()).isEqualTo(4);
  }

  /** A runner with four shared slots that yields to {@code acks}. */
  private record YieldingRunner(QueueFixture db, ForegroundLoad acks, JobHandler handler) {
    void start() {
      RunnerOptions options = QueueFixture.fast(4, "yielding");
      JobDispatcher dispatcher = new JobDispatcher(db.vertx, db.pool, options, acks).register("test.work", handler);
      QueueFixture.await(new RunnerHeartbeat(db.vertx, db.pool, dispatcher, options).start());
      QueueFixture.await(new JobWakeup(db.vertx, db.pool, dispatcher, options.poll()).start());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

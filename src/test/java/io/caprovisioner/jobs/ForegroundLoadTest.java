package io.caprovisioner.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The busy signal on a clock of the test's own: many answers, or few that each took long. */
class ForegroundLoadTest {
  private final AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(100));
  private final ForegroundLoad load = new ForegroundLoad(ForegroundLoad.BUSY_AT, now::get);

  /** {@code perSecond} answers of {@code tookMillis} each, for half a second. */
  private void answer(int perSecond, long tookMillis) {
    long step = TimeUnit.SECONDS.toNanos(1) / perSecond;
    for (int i = 0; i < perSecond / 2; i++) {
      now.addAndGet(step);
      load.answered(TimeUnit.MILLISECONDS.toNanos(tookMillis));
    }
  }

  @Test
  void aFewQuickWebhooksASecondAreNotABurst() {
    answer(20, 5);
    assertThat(load.busy()).isFalse();
  }

  @Test
  void aThousandAnswersASecondAreABurst() {
    answer(1_000, 1);
    assertThat(load.busy()).isTrue();
  }

  @Test
  void fewAnswersThatEachWaitedLongAreABurstToo() {
    // 16 deliveries in flight, each 200 ms late, as when background work slows the database:
    // 80 answers a second, under the count's threshold
    answer(80, 200);
    assertThat(load.busy()).isTrue();
  }

  @Test
  void aBurstIsOverHalfASecondAfterItsLastAnswer() {
    answer(1_000, 1);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(600));
    assertThat(load.busy()).isFalse();
  }
}

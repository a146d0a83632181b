package io.caprovisioner.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the limiter keeps in memory stays bounded however many addresses come and go. */
class ClientRateLimiterTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final ClientRateLimiter limiter = new ClientRateLimiter(60, clock::get);

  @Test
  void addressesWhoseAllowanceIsBackAreForgottenWithoutChangingAnyAnswer() {
    for (int i = 0; i < 30_000; i++) {
      assertThat(limiter.allow(address(i))).isTrue();
    }
    for (int i = 0; i < 60; i++) {
      limiter.allow("10.0.0.1");
    }
    assertThat(limiter.allow("10.0.0.1")).as("its minute's allowance is spent").isFalse();

    clock.addAndGet(30_000_000_000L); // 30 s: the one-request addresses have their token back
    assertThat(limiter.allow("10.9.9.9")).isTrue();
    assertThat(limiter.tracked()).isLessThanOrEqualTo(2);
    // the address that spent its allowance is still held to it: half of it came back, no more
    int allowed = 0;
    for (int i = 0; i < 60; i++) {
      allowed += limiter.allow("10.0.0.1") ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(30);
  }

  @Test
  void aFloodFromMoreAddressesThanItCanHoldResetsTheBucketsInsteadOfFillingTheHeap() {
    for (int i = 0; i < ClientRateLimiter.MAX_BUCKETS + 50_000; i++) {
      limiter.allow(address(i));
      assertThat(limiter.tracked()).isLessThanOrEqualTo(ClientRateLimiter.MAX_BUCKETS + 1);
    }
  }

  private static String address(int i) {
    return "2001:db8::" + Integer.toHexString(i);
  }
}

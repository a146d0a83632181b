package io.caprovisioner.stripe;

import static io.caprovisioner.stripe.SubscriptionDecision.Action.CANCEL;
import static io.caprovisioner.stripe.SubscriptionDecision.Action.GRACE;
import static io.caprovisioner.stripe.SubscriptionDecision.Action.NONE;
import static io.caprovisioner.stripe.SubscriptionDecision.Action.NOT_YET;
import static io.caprovisioner.stripe.SubscriptionDecision.Action.RUN;
import static io.caprovisioner.stripe.SubscriptionDecision.Action.SUSPEND;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubscriptionDecisionTest {
  private static SubscriptionDecision.Action of(String type, String status) {
    return SubscriptionDecision.of(type, Optional.ofNullable(status)).action();
  }

  @Test
  void theStatusDecides() {
    String updated = StripeEventTypes.SUBSCRIPTION_UPDATED;
    assertThat(of(updated, "active")).isEqualTo(RUN);
    assertThat(of(updated, "trialing")).isEqualTo(RUN);
    assertThat(of(updated, "past_due")).isEqualTo(GRACE);
    assertThat(of(updated, "unpaid")).isEqualTo(SUSPEND);
    assertThat(of(updated, "paused")).isEqualTo(SUSPEND);
    assertThat(of(updated, "canceled")).isEqualTo(CANCEL);
    assertThat(of(updated, "incomplete")).isEqualTo(NOT_YET);
    assertThat(of(updated, "incomplete_expired")).isEqualTo(CANCEL);
    assertThat(of(updated, "something_new")).isEqualTo(NONE);
    // an invoice event re-fetched: its subscription's status, not the event type
    assertThat(of(StripeEventTypes.INVOICE_PAYMENT_FAILED, "unpaid")).isEqualTo(SUSPEND);
    assertThat(of(StripeEventTypes.INVOICE_PAYMENT_SUCCEEDED, "past_due")).isEqualTo(GRACE);
  }

  @Test
  void deletedIsFinalWhateverTheObjectSays() {
    assertThat(of(StripeEventTypes.SUBSCRIPTION_DELETED, "active")).isEqualTo(CANCEL);
  }

  @Test
  void invoicesWithoutAStatusImplyOne() {
    assertThat(of(StripeEventTypes.INVOICE_PAYMENT_SUCCEEDED, null)).isEqualTo(RUN);
    assertThat(of(StripeEventTypes.INVOICE_PAYMENT_FAILED, null)).isEqualTo(GRACE);
    assertThat(of(StripeEventTypes.SUBSCRIPTION_UPDATED, null)).isEqualTo(NONE);
  }

  @Test
  void checkoutAndOrdering() {
    assertThat(SubscriptionDecision.statusAfterCheckout("paid")).isEqualTo("active");
    assertThat(SubscriptionDecision.statusAfterCheckout("no_payment_required")).isEqualTo("active");
    assertThat(SubscriptionDecision.statusAfterCheckout("unpaid")).isEqualTo("incomplete");
    assertThat(SubscriptionDecision.stale(10, null)).isFalse();
    assertThat(SubscriptionDecision.stale(10, 10L)).isFalse();
    assertThat(SubscriptionDecision.stale(9, 10L)).isTrue();
  }
}

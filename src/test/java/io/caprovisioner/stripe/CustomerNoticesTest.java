package io.caprovisioner.stripe;

import static io.caprovisioner.stripe.StripeEventFactory.checkoutCompleted;
import static io.caprovisioner.stripe.StripeEventFactory.invoiceEvent;
import static io.caprovisioner.stripe.StripeEventFactory.subscriptionEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The notices Stripe's events cause enter the outbox in the transaction that applies the event,
 * once per cause: a duplicate delivery or an operator's replay adds nothing, a new failed payment
 * (Stripe's next retry) is a new notice.
 */
class CustomerNoticesTest {
  private static StripeTestService service;

  @BeforeAll
  static void start() {
    service = new StripeTestService(Map.of("TENANT_RETENTION_DAYS", "14"));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private List<String> kinds(long tenantId) {
    return service.query("SELECT kind FROM outbound_messages WHERE tenant_id = ? ORDER BY id", tenantId).stream()
        .map(r -> (String) r.get("kind")).toList();
  }

  @Test
  void paymentFailedSuspendedAndDeletionScheduledEachOncePerCause() {
    String customer = StripeEventFactory.id("cus");
    String sub = StripeEventFactory.id("sub");
    long t0 = TestSigner.now() - 10_000;
    service.deliverAndApply(checkoutCompleted("notices@example.org", Optional.of("pro"), customer, sub, t0));
    long id = (Long) service.tenantOf(sub).get("id");
    service.query("UPDATE tenants SET status = 'active', deployed_at = now() WHERE id = ? RETURNING id", id);

    JsonObject failed = invoiceEvent(false, sub, customer, t0 + 10);
    service.deliverAndApply(failed);
    service.deliverAndApply(failed);
    assertThat(service.admin("POST", "/admin/stripe/events/" + failed.getString("id") + "/replay").statusCode())
        .isLessThan(300);
    service.runApplyJobs();
    assertThat(kinds(id)).containsExactly("payment_failed");

    service.deliverAndApply(invoiceEvent(false, sub, customer, t0 + 20));
    assertThat(kinds(id)).containsExactly("payment_failed", "payment_failed");

    JsonObject unpaid = subscriptionEvent(StripeEventTypes.SUBSCRIPTION_UPDATED, sub, customer, "unpaid", "price_pro",
        t0 + 21);
    service.deliverAndApply(unpaid);
    service.deliverAndApply(unpaid);
    assertThat(service.tenantOf(sub)).containsEntry("status", "suspended");
    // while suspended, a failed payment is no news: the suspension notice said it
    service.deliverAndApply(invoiceEvent(false, sub, customer, t0 + 22));
    assertThat(kinds(id)).containsExactly("payment_failed", "payment_failed", "suspended");

    JsonObject deleted = subscriptionEvent(StripeEventTypes.SUBSCRIPTION_DELETED, sub, customer, "canceled",
        "price_pro", t0 + 40);
    service.deliverAndApply(deleted);
    service.deliverAndApply(deleted);
    assertThat(kinds(id)).containsExactly("payment_failed", "payment_failed", "suspended", "deletion_scheduled");
    Map<String, Object> notice = service.one("SELECT facts::text AS facts, cause FROM outbound_messages "
        + "WHERE tenant_id = ? AND kind = 'deletion_scheduled'", id);
    assertThat(new JsonObject((String) notice.get("facts")).getString("keep_until")).isNotBlank();
    // every notice has its send job, and no row holds the address
    assertThat(service.count("SELECT count(*) FROM jobs WHERE kind = 'mail.send'")).isEqualTo(4);
    assertThat(service.count("SELECT count(*) FROM outbound_messages WHERE facts::text LIKE '%notices@%' "
        + "OR cause LIKE '%notices@%'")).isZero();
  }

  @Test
  void aTenantThatNeverRanIsNotToldItWasSuspended() {
    String customer = StripeEventFactory.id("cus");
    String sub = StripeEventFactory.id("sub");
    long t0 = TestSigner.now() - 10_000;
    service.deliverAndApply(checkoutCompleted("never@example.org", Optional.of("pro"), customer, sub, t0));
    long id = (Long) service.tenantOf(sub).get("id");
    service.deliverAndApply(subscriptionEvent(StripeEventTypes.SUBSCRIPTION_UPDATED, sub, customer, "unpaid",
        "price_pro", t0 + 5));
    assertThat(service.tenantOf(sub)).containsEntry("status", "suspended");
    assertThat(kinds(id)).isEmpty();
  }
}

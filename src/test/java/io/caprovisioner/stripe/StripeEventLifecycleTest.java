package io.caprovisioner.stripe;

import static io.caprovisioner.stripe.StripeEventFactory.checkoutCompleted;
import static io.caprovisioner.stripe.StripeEventFactory.invoiceEvent;
import static io.caprovisioner.stripe.StripeEventFactory.subscriptionEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events through the webhook and the apply job to the tenant's state. */
class StripeEventLifecycleTest {
  private static final String UPDATED = StripeEventTypes.SUBSCRIPTION_UPDATED;
  private static final String DELETED = StripeEventTypes.SUBSCRIPTION_DELETED;
  private static StripeTestService service;

  @BeforeAll
  static void start() {
    service = new StripeTestService(Map.of("TENANT_RETENTION_DAYS", "14"));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private record Customer(String customer, String subscription, long t0) {
    static Customer next() {
      return new Customer(StripeEventFactory.id("cus"), StripeEventFactory.id("sub"), TestSigner.now() - 10_000);
    }

    JsonObject checkout(String email) {
      return checkoutCompleted(email, Optional.of("pro"), customer, subscription, t0);
    }

    JsonObject sub(String type, String status, String price, long dt) {
      return subscriptionEvent(type, subscription, customer, status, price, t0 + dt);
    }

    JsonObject invoice(boolean paid, long dt) {
      return invoiceEvent(paid, subscription, customer, t0 + dt);
    }
  }

  private static Map<String, Object> tenant(Customer c) {
    return service.tenantOf(c.subscription());
  }

  private static long logsFor(String eventId) {
    return service.count("SELECT count(*) FROM provisioning_logs WHERE stripe_event_id = ?", eventId);
  }

  @Test
  void checkoutCreatesAPendingTenantWithItsSubscriptionAndQueuesProvisioning() {
    Customer c = Customer.next();
    String evt = service.deliverAndApply(c.checkout("New.Customer@example.org"));

    Map<String, Object> t = tenant(c);
    assertThat(t).containsEntry("status", "pending").containsEntry("plan", "pro").containsEntry("source", "stripe")
        .containsEntry("subscription_status", "active");
    assertThat((String) t.get("namespace")).matches("tenant-[a-z2-7]{8}");
    assertThat(service.one("SELECT u.email FROM users u JOIN tenants t ON t.user_id = u.id WHERE t.id = ?",
        t.get("id"))).containsEntry("email", "New.Customer@example.org");
    assertThat(service.one("SELECT stripe_customer_id FROM subscriptions WHERE stripe_subscription_id = ?",
        c.subscription())).containsEntry("stripe_customer_id", c.customer());
    assertThat(service.count("SELECT count(*) FROM tenant_intents WHERE tenant_id = ? AND kind = 'provision'",
        t.get("id"))).isEqualTo(1);
    assertThat(service.count("SELECT count(*) FROM jobs WHERE tenant_id = ? AND kind = 'tenant.reconcile'",
        t.get("id"))).isEqualTo(1);
    assertThat(service.eventStatus(evt)).isEqualTo("applied");
    assertThat(logsFor(evt)).isPositive();
  }

  @Test
  void checkoutFallsBackToCustomerEmail() {
    Customer c = Customer.next();
    JsonObject event = c.checkout("ignored@example.org");
    JsonObject session = event.getJsonObject("data").getJsonObject("object");
    session.getJsonObject("customer_details").putNull("email");
    session.put("customer_email", "fallback@example.org");
    service.deliverAndApply(event);
    assertThat(service.one("SELECT u.email FROM users u JOIN tenants t ON t.user_id = u.id WHERE t.id = ?",
        tenant(c).get("id"))).containsEntry("email", "fallback@example.org");
  }

  @Test
  void eachEventTypeReachesTheTenant() {
    Customer c = Customer.next();
    service.deliverAndApply(c.checkout("five@example.org"));
    long id = (Long) tenant(c).get("id");
    service.query("UPDATE tenants SET status = 'active', deployed_at = now() WHERE id = ? RETURNING id", id);

    String failed = service.deliverAndApply(c.invoice(false, 10));
    assertThat(tenant(c)).containsEntry("status", "active");
    assertThat(service.event(failed)).containsEntry("status", "applied");
    assertThat((String) service.event(failed).get("note")).contains("grace");

    String unpaid = service.deliverAndApply(c.sub(UPDATED, "unpaid", "price_pro", 20));
    assertThat(tenant(c)).containsEntry("status", "suspended").containsEntry("subscription_status", "unpaid");
    assertThat(service.count("SELECT count(*) FROM tenant_intents WHERE tenant_id = ? AND kind = 'suspend' "
        + "AND stripe_event_id = ?", id, unpaid)).isEqualTo(1);

    String paid = service.deliverAndApply(c.invoice(true, 30));
    assertThat(tenant(c)).containsEntry("status", "active");
    assertThat(service.count("SELECT count(*) FROM tenant_intents WHERE tenant_id = ? AND kind = 'resume' "
        + "AND stripe_event_id = ?", id, paid)).isEqualTo(1);

    String deleted = service.deliverAndApply(c.sub(DELETED, "canceled", "price_pro", 40));
    Map<String, Object> t = tenant(c);
    assertThat(t).containsEntry("status", "deleting").containsEntry("subscription_status", "canceled");
    Instant due = ((java.sql.Timestamp) t.get("deletion_due_at")).toInstant();
    assertThat(due).isBetween(Instant.now().plus(Duration.ofDays(14)).minusSeconds(300),
        Instant.now().plus(Duration.ofDays(14)).plusSeconds(300));
    assertThat(service.count("SELECT count(*) FROM tenant_intents WHERE tenant_id = ? AND kind = 'delete' "
        + "AND stripe_event_id = ?", id, deleted)).isEqualTo(1);
    for (String evt : List.of(failed, unpaid, paid, deleted)) {
      assertThat(logsFor(evt)).as(evt).isPositive();
    }
  }

  @Test
  void pastDueThenUnpaidThenPaidThenDeleted() {
    Customer c = Customer.next();
    service.deliverAndApply(c.checkout("cycle@example.org"));
    long id = (Long) tenant(c).get("id");
    service.query("UPDATE tenants SET status = 'active', deployed_at = now() WHERE id = ? RETURNING id", id);

    service.deliverAndApply(c.invoice(false, 10));
    service.deliverAndApply(c.sub(UPDATED, "past_due", "price_pro", 11));
    assertThat(tenant(c)).containsEntry("status", "active").containsEntry("subscription_status", "past_due");

    service.deliverAndApply(c.invoice(false, 20));
    service.deliverAndApply(c.sub(UPDATED, "unpaid", "price_pro", 21));
    assertThat(tenant(c)).containsEntry("status", "suspended");

    service.deliverAndApply(c.invoice(true, 30));
    service.deliverAndApply(c.sub(UPDATED, "active", "price_pro", 31));
    assertThat(tenant(c)).containsEntry("status", "active").containsEntry("subscription_status", "active");

    service.deliverAndApply(c.sub(DELETED, "canceled", "price_pro", 40));
    assertThat(tenant(c)).containsEntry("status", "deleting");
    // canceled is final in Stripe: a late paid invoice does not bring the tenant back
    String late = service.deliverAndApply(c.invoice(true, 50));
    assertThat(service.eventStatus(late)).isEqualTo("ignored");
    assertThat(tenant(c)).containsEntry("status", "deleting");
    assertThat(service.count("SELECT count(*) FROM tenant_intents WHERE tenant_id = ? AND kind = 'resume'", id))
        .isEqualTo(1);
  }

  @Test
  void aChangedPriceChangesThePlan() {
    Customer c = Customer.next();
    service.deliverAndApply(c.checkout("upgrade@example.org"));
    String evt = service.deliverAndApply(c.sub(UPDATED, "active", "price_museum", 10));
    assertThat(tenant(c)).containsEntry("plan", "museum").containsEntry("stripe_price_id", "price_museum");
    assertThat(service.count("SELECT count(*) FROM tenant_intents WHERE kind = 'plan-change' "
        + "AND stripe_event_id = ?", evt)).isEqualTo(1);

    String unknown = service.deliverAndApply(c.sub(UPDATED, "active", "price_nobody_sells", 20));
    assertThat(tenant(c)).containsEntry("plan", "museum");
    assertThat(service.eventStatus(unknown)).isEqualTo("applied");
    assertThat(service.count("SELECT count(*) FROM provisioning_logs WHERE stripe_event_id = ? AND status = 'failed'",
        unknown)).isEqualTo(1);
  }

  @Test
  void anOlderEventThanTheNewestAppliedIsIgnored() {
    Customer c = Customer.next();
    service.deliverAndApply(c.checkout("order@example.org"));
    service.deliverAndApply(c.sub(UPDATED, "unpaid", "price_pro", 20));
    String older = service.deliverAndApply(c.sub(UPDATED, "active", "price_pro", 10));
    assertThat(service.eventStatus(older)).isEqualTo("ignored");
    assertThat((String) service.event(older).get("note")).contains("older than the newest applied event");
    assertThat(tenant(c)).containsEntry("status", "suspended");
  }

  @Test
  void unpaidDeliveredBeforeItsCheckoutEndsSuspended() {
    Customer c = Customer.next();
    String unpaid = service.deliverAndApply(c.sub(UPDATED, "unpaid", "price_pro", 30));
    assertThat(service.eventStatus(unpaid)).isEqualTo("deferred");
    assertThat(tenant(c)).isNull();

    String checkout = service.deliverAndApply(c.checkout("late-checkout@example.org"));
    assertThat(service.eventStatus(checkout)).isEqualTo("applied");
    assertThat(service.eventStatus(unpaid)).isEqualTo("applied");
    assertThat(tenant(c)).containsEntry("status", "suspended").containsEntry("subscription_status", "unpaid");
  }

  @Test
  void theNewestStateWinsWhateverTheArrivalOrder() {
    Customer c = Customer.next();
    // arrival: active (t+30), past_due (t+20), checkout (t+0); newest is active
    service.deliverAndApply(c.sub(UPDATED, "active", "price_pro", 30));
    service.deliverAndApply(c.sub(UPDATED, "unpaid", "price_pro", 20));
    service.deliverAndApply(c.checkout("shuffled@example.org"));
    assertThat(tenant(c)).containsEntry("status", "pending").containsEntry("subscription_status", "active");
  }

  @Test
  void withoutAPlanTheCheckoutWaitsForAPriceFromASubscriptionEvent() {
    Customer c = Customer.next();
    String checkout = service.deliverAndApply(checkoutCompleted("noplan@example.org", Optional.empty(), c.customer(),
        c.subscription(), c.t0()));
    assertThat(service.eventStatus(checkout)).isEqualTo("deferred");
    assertThat(tenant(c)).isNull();

    String sub = service.deliverAndApply(c.sub(UPDATED, "active", "price_starter", 5));
    assertThat(service.eventStatus(checkout)).isEqualTo("applied");
    assertThat(service.eventStatus(sub)).isEqualTo("applied");
    assertThat(tenant(c)).containsEntry("plan", "starter").containsEntry("status", "pending");
  }

  @Test
  void anUnknownPlanFailsTheCheckoutWithAClearReasonAndReplayWorksOnceFixed() {
    Customer c = Customer.next();
    String checkout = service.deliverAndApply(checkoutCompleted("unknown@example.org", Optional.of("platinum"),
        c.customer(), c.subscription(), c.t0()));
    Map<String, Object> row = service.event(checkout);
    assertThat(row).containsEntry("status", "failed");
    assertThat((String) row.get("error")).contains("unknown plan").contains("platinum");
    assertThat(tenant(c)).isNull();
    HttpResponse<String> failed = service.admin("GET", "/admin/stripe/events?status=failed");
    assertThat(failed.body()).contains(checkout);

    // the operator fixes the event's cause (here: the metadata) and replays
    service.query("UPDATE stripe_events SET payload = replace(payload, '\"platinum\"', '\"starter\"') WHERE id = ? "
        + "RETURNING id", checkout);
    HttpResponse<String> replay = service.admin("POST", "/admin/stripe/events/" + checkout + "/replay");
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(replay.body()).getString("status")).isEqualTo("applied");
    assertThat(tenant(c)).containsEntry("plan", "starter");
  }

  @Test
  void incompleteIsNeverProvisioned() {
    Customer c = Customer.next();
    JsonObject checkout = c.checkout("async@example.org");
    checkout.getJsonObject("data").getJsonObject("object").put("payment_status", "unpaid");
    String evt = service.deliverAndApply(checkout);
    assertThat(service.eventStatus(evt)).isEqualTo("deferred");
    assertThat(tenant(c)).isNull();
    service.deliverAndApply(c.sub(UPDATED, "active", "price_pro", 60));
    assertThat(tenant(c)).containsEntry("status", "pending");
  }

  @Test
  void otherCheckoutModesAreIgnoredWithAReason() {
    JsonObject event = checkoutCompleted("pay@example.org", Optional.of("pro"), "cus_x", "sub_x", TestSigner.now());
    event.getJsonObject("data").getJsonObject("object").put("mode", "payment").putNull("subscription");
    String evt = service.deliverAndApply(event);
    assertThat(service.event(evt)).containsEntry("status", "ignored");
    assertThat((String) service.event(evt).get("note")).contains("mode 'payment'");
  }

  @Test
  void oneEventDeliveredSixTimesFiveConcurrentlyMakesOneTenant() throws Exception {
    Customer c = Customer.next();
    byte[] body = c.checkout("six@example.org").encode().getBytes(StandardCharsets.UTF_8);
    String id = new JsonObject(new String(body, StandardCharsets.UTF_8)).getString("id");
    assertThat(service.deliver(body).statusCode()).isEqualTo(200);
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      List<Future<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        all.add(pool.submit(() -> service.deliver(body)));
      }
      for (Future<HttpResponse<String>> f : all) {
        assertThat(f.get().statusCode()).isEqualTo(200);
        assertThat(new JsonObject(f.get().body()).getBoolean("duplicate")).isTrue();
      }
      // and the job applied by two workers at once
      List<Future<?>> applies = List.of(pool.submit(() -> service.apply(id)), pool.submit(() -> service.apply(id)));
      for (Future<?> f : applies) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    service.runApplyJobs();
    assertThat(service.count("SELECT count(*) FROM stripe_events WHERE id = ?", id)).isEqualTo(1);
    assertThat(service.count("SELECT count(*) FROM subscriptions WHERE stripe_subscription_id = ?",
        c.subscription())).isEqualTo(1);
    assertThat(service.count("SELECT count(*) FROM tenant_intents WHERE kind = 'provision' AND "
        + "stripe_event_id = ?", id)).isEqualTo(1);
    assertThat(service.count("SELECT count(*) FROM jobs WHERE kind = 'tenant.reconcile' AND tenant_id = ?",
        tenant(c).get("id"))).isEqualTo(1);
    assertThat(tenant(c)).containsEntry("status", "pending");
  }

  @Test
  void aSubscriptionThatEndedBeforeItsCheckoutArrivedGetsNoTenant() {
    Customer c = Customer.next();
    String deleted = service.deliverAndApply(c.sub(DELETED, "canceled", "price_pro", 30));
    String checkout = service.deliverAndApply(c.checkout("gone@example.org"));
    assertThat(service.eventStatus(deleted)).isEqualTo("ignored");
    assertThat(service.eventStatus(checkout)).isEqualTo("ignored");
    assertThat(tenant(c)).isNull();
  }
}

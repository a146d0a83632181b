package io.caprovisioner.cli;


import io.caprovisioner.config.Config;
import io.caprovisioner.stripe.StripeEventFactory;
import io.caprovisioner.stripe.StripeEventTypes;
import io.caprovisioner.tenant.Plan;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Builds a realistic event of the current API version, signs it as Stripe does and posts it. The
 * Stripe CLI's event names work beside the short ones, for the events the service acts on.
 */
@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe trigger checkout.session.completed --plan pro --email a@b.org"},
    name = "trigger", description = "Build, sign and post a realistic Stripe event.",
    subcommands = {StripeTriggerCommand.Checkout.class, StripeTriggerCommand.Subscription.class,
        StripeTriggerCommand.Invoice.class, StripeTriggerCommand.SubscriptionCreated.class,
        StripeTriggerCommand.SubscriptionDeleted.class, StripeTriggerCommand.InvoicePaymentFailed.class,
        StripeTriggerCommand.InvoicePaymentSucceeded.class})
final class StripeTriggerCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static int post(StripeDelivery delivery, Config config, JsonObject event) {
    return delivery.send(config, event.encodePrettily().getBytes(StandardCharsets.UTF_8));
  }

  static long created(Long option) {
    return option != null ? option : System.currentTimeMillis() / 1000;
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe trigger checkout.session.completed --plan pro --email a@b.org"},
    name = "checkout", aliases = StripeEventTypes.CHECKOUT_COMPLETED,
      description = "checkout.session.completed of a paid subscription (a new tenant).")
  static final class Checkout implements Callable<Integer> {
    @Mixin
    StripeDelivery delivery;
    @Option(names = "--email", required = true, description = "The customer's email.")
    String email;
    @Option(names = "--plan", defaultValue = "pro", description = "Sent as metadata.plan (default: ${DEFAULT-VALUE}).")
    String plan;
    @Option(names = "--subscription", description = "Subscription id (default: a new sub_...).")
    String subscription;
    @Option(names = "--customer", description = "Customer id (default: a new cus_...).")
    String customer;
    @Option(names = "--created", description = "Event time, unix seconds (default: now).")
    Long created;

    @Override
    public Integer call() {
      Config config = delivery.config();
      return post(delivery, config, StripeEventFactory.checkoutCompleted(email, Optional.of(plan),
          customer != null ? customer : StripeEventFactory.id("cus"),
          subscription != null ? subscription : StripeEventFactory.id("sub"), created(created)));
    }
  }

  /** What every subscription event takes. */
  abstract static class SubscriptionEvent implements Callable<Integer> {
    @Mixin
    StripeDelivery delivery;
    @Option(names = "--subscription", required = true, description = "Subscription id (sub_...).")
    String subscription;
    @Option(names = "--plan", defaultValue = "pro", description = "Its price is the plan's first Stripe price.")
    String plan;
    @Option(names = "--price", description = "Price id (overrides --plan).")
    String price;
    @Option(names = "--customer", description = "Customer id (default: a new cus_...).")
    String customer;
    @Option(names = "--created", description = "Event time, unix seconds (default: now).")
    Long created;

    abstract String type();

    abstract String status();

    @Override
    public Integer call() {
      Config config = delivery.config();
      String priceId = price != null ? price : config.plans().byName(plan).map(Plan::stripePriceIds)
          .filter(p -> !p.isEmpty()).map(p -> p.get(0)).orElseGet(() -> {
            String placeholder = "price_dev_" + plan;
            delivery.out().println("note: plan '" + plan + "' has no Stripe price configured; sending " + placeholder
                + " (map it with STRIPE_PRICE_PLANS=" + placeholder + "=" + plan + ", or pass --price)");
            return placeholder;
          });
      return post(delivery, config, StripeEventFactory.subscriptionEvent(type(), subscription,
          customer != null ? customer : StripeEventFactory.id("cus"), status(), priceId, created(created)));
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe trigger customer.subscription.updated --subscription sub_123 --status unpaid"},
    name = "subscription", aliases = StripeEventTypes.SUBSCRIPTION_UPDATED,
      description = "customer.subscription.updated (or .deleted) with a status.")
  static final class Subscription extends SubscriptionEvent {
    @Option(names = "--status", defaultValue = "active",
        description = "active, trialing, past_due, unpaid, paused, canceled, incomplete... (default: ${DEFAULT-VALUE}).")
    String status;
    @Option(names = "--deleted", description = "Send customer.subscription.deleted (status canceled).")
    boolean deleted;

    @Override
    String type() {
      return deleted ? StripeEventTypes.SUBSCRIPTION_DELETED : StripeEventTypes.SUBSCRIPTION_UPDATED;
    }

    @Override
    String status() {
      return deleted ? "canceled" : status;
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe trigger customer.subscription.created --subscription sub_123 --status active"},
    name = StripeEventTypes.SUBSCRIPTION_CREATED, description = "customer.subscription.created with a status.")
  static final class SubscriptionCreated extends SubscriptionEvent {
    @Option(names = "--status", defaultValue = "active", description = "active, trialing, incomplete... "
        + "(default: ${DEFAULT-VALUE}).")
    String status;

    @Override
    String type() {
      return StripeEventTypes.SUBSCRIPTION_CREATED;
    }

    @Override
    String status() {
      return status;
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe trigger customer.subscription.deleted --subscription sub_123"},
    name = StripeEventTypes.SUBSCRIPTION_DELETED, description = "customer.subscription.deleted (status canceled).")
  static final class SubscriptionDeleted extends SubscriptionEvent {
    @Override
    String type() {
      return StripeEventTypes.SUBSCRIPTION_DELETED;
    }

    @Override
    String status() {
      return "canceled";
    }
  }

  /** What every invoice event takes. */
  abstract static class InvoiceEvent implements Callable<Integer> {
    @Mixin
    StripeDelivery delivery;
    @Option(names = "--subscription", required = true, description = "Subscription id (sub_...).")
    String subscription;
    @Option(names = "--customer", description = "Customer id (default: a new cus_...).")
    String customer;
    @Option(names = "--created", description = "Event time, unix seconds (default: now).")
    Long created;

    abstract boolean paid();

    @Override
    public Integer call() {
      Config config = delivery.config();
      return post(delivery, config, StripeEventFactory.invoiceEvent(paid(), subscription,
          customer != null ? customer : StripeEventFactory.id("cus"), created(created)));
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe trigger invoice.payment_failed --subscription sub_123"},
    name = StripeEventTypes.INVOICE_PAYMENT_FAILED, description = "invoice.payment_failed of a renewal.")
  static final class InvoicePaymentFailed extends InvoiceEvent {
    @Override
    boolean paid() {
      return false;
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe trigger invoice.payment_succeeded --subscription sub_123"},
    name = StripeEventTypes.INVOICE_PAYMENT_SUCCEEDED, description = "invoice.payment_succeeded of a renewal.")
  static final class InvoicePaymentSucceeded extends InvoiceEvent {
    @Override
    boolean paid() {
      return true;
    }
  }

  @Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe trigger invoice --failed --subscription sub_123"},
    name = "invoice", description = "invoice.payment_failed or invoice.payment_succeeded of a renewal.")
  static final class Invoice implements Callable<Integer> {
    @Mixin
    StripeDelivery delivery;
    @Option(names = "--subscription", required = true, description = "Subscription id (sub_...).")
    String subscription;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Outcome outcome;
    @Option(names = "--customer", description = "Customer id (default: a new cus_...).")
    String customer;
    @Option(names = "--created", description = "Event time, unix seconds (default: now).")
    Long created;

    static final class Outcome {
      @Option(names = "--failed", required = true, description = "invoice.payment_failed")
      boolean failed;
      @Option(names = "--paid", required = true, description = "invoice.payment_succeeded")
      boolean paid;
    }

    @Override
    public Integer call() {
      Config config = delivery.config();
      return post(delivery, config, StripeEventFactory.invoiceEvent(outcome.paid, subscription,
          customer != null ? customer : StripeEventFactory.id("cus"), created(created)));
    }
  }
}

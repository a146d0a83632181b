package io.caprovisioner.stripe;

import com.stripe.Stripe;
import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Event;
import com.stripe.model.EventDataObjectDeserializer;
import com.stripe.model.Invoice;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Reads a stored raw event with stripe-java's models. Tolerant of API versions: the data object
 * of an event of another version (or none: {@code api_version} null) is read with
 * {@code deserializeUnsafe}, which keeps every field the current models still have.
 */
public final class StripeEventReader {

  /** The event cannot be read at all; retrying will not help. */
  public static final class Unreadable extends RuntimeException {
    public Unreadable(String message) {
      super(message);
    }
  }

  public EventFacts read(String payload) {
    Event event;
    try {
      event = StoredEventParser.parse(payload);
    } catch (RuntimeException e) {
      throw new Unreadable("the stored event is not a readable Stripe event: " + e.getClass().getSimpleName());
    }
    if (event == null || event.getId() == null || event.getType() == null) {
      throw new Unreadable("the stored event has no id or type");
    }
    long created = event.getCreated() == null ? 0 : event.getCreated();
    String id = event.getId();
    if (!StripeEventTypes.handled(event.getType())) {
      return new EventFacts.Irrelevant(id, created, "event type " + event.getType() + " is not handled");
    }
    StripeObject object = dataObject(event);
    return switch (event.getType()) {
      case StripeEventTypes.CHECKOUT_COMPLETED -> checkout(id, created, as(object, Session.class, event));
      case StripeEventTypes.INVOICE_PAYMENT_FAILED, StripeEventTypes.INVOICE_PAYMENT_SUCCEEDED ->
          invoice(id, created, event.getType(), as(object, Invoice.class, event), event);
      default -> subscription(id, created, event.getType(), as(object, Subscription.class, event));
    };
  }

  private static StripeObject dataObject(Event event) {
    EventDataObjectDeserializer data = event.getDataObjectDeserializer();
    if (data == null) {
      throw new Unreadable("event " + event.getId() + " has no data.object");
    }
    try {
      // getObject() is only safe (and only non-empty) for events of the pinned version; it throws
      // a NullPointerException when api_version is null
      if (Stripe.API_VERSION.equals(event.getApiVersion())) {
        Optional<StripeObject> exact = data.getObject();
        if (exact.isPresent()) {
          return exact.get();
        }
      }
      StripeObject lenient = data.deserializeUnsafe();
      if (lenient == null) {
        throw new Unreadable("event " + event.getId() + " has no data.object");
      }
      return lenient;
    } catch (EventDataObjectDeserializationException | RuntimeException e) {
      if (e instanceof Unreadable u) {
        throw u;
      }
      throw new Unreadable("event " + event.getId() + " (api_version " + event.getApiVersion()
          + "): data.object cannot be read: " + e.getClass().getSimpleName());
    }
  }

  private static <T> T as(StripeObject object, Class<T> type, Event event) {
    if (!type.isInstance(object)) {
      throw new Unreadable("event " + event.getId() + " of type " + event.getType() + " carries a "
          + object.getClass().getSimpleName() + ", not a " + type.getSimpleName());
    }
    return type.cast(object);
  }

  private static EventFacts checkout(String id, long created, Session s) {
    if (!"subscription".equals(s.getMode())) {
      return new EventFacts.Irrelevant(id, created, "checkout session in mode '" + s.getMode()
          + "' is not a subscription");
    }
    if (s.getSubscription() == null) {
      return new EventFacts.Irrelevant(id, created, "subscription checkout without a subscription id");
    }
    Optional<String> email = Optional.ofNullable(s.getCustomerDetails()).map(Session.CustomerDetails::getEmail)
        .filter(e -> !e.isBlank()).or(() -> Optional.ofNullable(s.getCustomerEmail()).filter(e -> !e.isBlank()));
    Optional<String> plan = Optional.ofNullable(s.getMetadata()).map(m -> m.get("plan")).filter(p -> !p.isBlank());
    Optional<String> requestedName = Optional.ofNullable(s.getMetadata()).map(m -> m.get("requested_name"))
        .map(String::trim).filter(n -> !n.isEmpty());
    return new EventFacts.Checkout(id, created, s.getSubscription(), Optional.ofNullable(s.getCustomer()), email,
        plan, SubscriptionDecision.statusAfterCheckout(s.getPaymentStatus()), Optional.ofNullable(s.getId()),
        requestedName);
  }

  private static EventFacts subscription(String id, long created, String type, Subscription sub) {
    if (sub.getId() == null) {
      throw new Unreadable("event " + id + ": the subscription has no id");
    }
    Optional<SubscriptionItem> item = Optional.ofNullable(sub.getItems()).map(i -> i.getData())
        .filter(d -> !d.isEmpty()).map(d -> d.get(0));
    return new EventFacts.SubscriptionChange(id, created, type, sub.getId(), Optional.ofNullable(sub.getCustomer()),
        Optional.ofNullable(sub.getStatus()), item.map(SubscriptionItem::getPrice).map(p -> p.getId()),
        item.map(SubscriptionItem::getCurrentPeriodEnd));
  }

  private static EventFacts invoice(String id, long created, String type, Invoice invoice, Event event) {
    Optional<String> subscription = subscriptionOf(invoice, event);
    if (subscription.isEmpty()) {
      return new EventFacts.Irrelevant(id, created, "invoice " + invoice.getId() + " is not for a subscription");
    }
    return new EventFacts.SubscriptionChange(id, created, type, subscription.get(),
        Optional.ofNullable(invoice.getCustomer()), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Since API 2025-03-31 the subscription is at {@code parent.subscription_details.subscription}
   * (meaningful only when {@code parent.type} says so); older events have a top-level
   * {@code subscription}, which the current model no longer has, so it is read from the raw JSON.
   */
  static Optional<String> subscriptionOf(Invoice invoice, Event event) {
    Invoice.Parent parent = invoice.getParent();
    if (parent != null && "subscription_details".equals(parent.getType()) && parent.getSubscriptionDetails() != null) {
      return Optional.ofNullable(parent.getSubscriptionDetails().getSubscription()).filter(s -> s.startsWith("sub_"));
    }
    Object legacy = new JsonObject(event.getDataObjectDeserializer().getRawJson()).getValue("subscription");
    return legacy instanceof String s && s.startsWith("sub_") ? Optional.of(s) : Optional.empty();
  }
}

package io.caprovisioner.stripe;

import io.caprovisioner.db.DatabaseOutage;
import io.caprovisioner.tenant.Refusal;
import io.caprovisioner.web.ErrorResponses;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/stripe}: verify, store the raw event with one insert (its own unit of
 * work), answer 200, and wake the {@link StripeEventRelay}, which queues its job. Nothing else
 * happens on the request path (no job row, Stripe API, Git, Kubernetes or MySQL), so Stripe gets
 * its answer in milliseconds and a crash after the commit loses nothing: the relay's poll finds
 * the event. Reasons for a refusal are logged; the body never is.
 */
public final class StripeWebhookHandler {
  public static final String PATH = "/webhooks/stripe";
  public static final int BODY_LIMIT = 256 * 1024;
  /**
   * Connections of the acknowledgements' own pool: 16 concurrent deliveries wait for a commit
   * each, and commits of concurrent connections share a disk flush, so a few connections do.
   */
  public static final int CONNECTIONS = 8;
  public static final String APPLY_JOB = io.caprovisioner.lifecycle.JobKind.STRIPE_APPLY.wire();
  private static final Logger LOG = LoggerFactory.getLogger(StripeWebhookHandler.class);
  /**
   * A frozen PostgreSQL must not hold Stripe's request: it gives up on a slow endpoint, and can
   * retry a 503, never a hang.
   */
  static final long STORE_DEADLINE_MS = 5_000;

  private final Pool pool;
  private final StripeSignature signature;
  private final Optional<Boolean> livemode;
  private final WebhookObserver observer;
  private final Runnable stored;
  private final StripeEventStore events = new StripeEventStore();

  public StripeWebhookHandler(Pool pool, StripeSignature signature, Optional<Boolean> livemode) {
    this(pool, signature, livemode, WebhookObserver.NONE, () -> { });
  }

  /**
   * @param pool the acknowledgements' own connections: background work cannot take them
   * @param stored called after a new event to apply was committed (wakes the relay)
   */
  public StripeWebhookHandler(Pool pool, StripeSignature signature, Optional<Boolean> livemode,
      WebhookObserver observer, Runnable stored) {
    this.pool = pool;
    this.signature = signature;
    this.livemode = livemode;
    this.observer = observer;
    this.stored = stored;
  }

  /** The route handler: reads the raw body (413 beyond {@link #BODY_LIMIT}), then {@link #handle}. */
  public Handler<RoutingContext> route() {
    return new RawBodyReader(BODY_LIMIT, this::handle);
  }

  void handle(RoutingContext ctx, Buffer body) {
    long started = System.nanoTime();
    if (body.length() == 0) {
      refuse(ctx, "invalid_payload", "the body is empty");
      return;
    }
    String text;
    try {
      text = utf8(body);
    } catch (CharacterCodingException e) {
      refuse(ctx, "invalid_payload", "the body is not UTF-8");
      return;
    }
    try {
      signature.verify(text, ctx.request().getHeader("Stripe-Signature"));
    } catch (StripeSignature.Rejected e) {
      refuse(ctx, "invalid_signature", e.getMessage());
      return;
    }
    StripeEventEnvelope event;
    try {
      event = StripeEventEnvelope.parse(body);
    } catch (IllegalArgumentException e) {
      refuse(ctx, "invalid_payload", e.getMessage());
      return;
    }
    if (livemode.isPresent() && !livemode.get().equals(event.livemode())) {
      refuse(ctx, "livemode_mismatch", "event " + event.id() + " has livemode=" + event.livemode()
          + " but STRIPE_LIVEMODE=" + livemode.get());
      return;
    }
    Optional<String> ignored = StripeEventTypes.handled(event.type()) ? Optional.empty()
        : Optional.of("event type " + event.type() + " is not handled");
    events.insert(pool, event, text, ignored).timeout(STORE_DEADLINE_MS, TimeUnit.MILLISECONDS).onSuccess(isNew -> {
      if (isNew && ignored.isEmpty()) {
        stored.run();
      }
      observer.acknowledged(event.type(), !isNew, java.time.Duration.ofNanos(System.nanoTime() - started));
      LOG.info("stripe event {} ({}) {}", event.id(), event.type(),
          !isNew ? "is a duplicate" : ignored.map(r -> "stored, ignored: " + r).orElse("stored"));
      ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("received", true).put("duplicate", !isNew).encode());
    }).onFailure(e -> {
      if (DatabaseOutage.is(e)) {
        // unacknowledged, so Stripe delivers it again; an insert that commits after the
        // deadline makes that delivery a duplicate, never a loss
        LOG.warn("stripe event {} not acknowledged: PostgreSQL unavailable ({})", event.id(), e.toString());
        ctx.fail(new Refusal(Refusal.Kind.UNAVAILABLE, "the event store is unavailable; deliver again later", e,
            Optional.of(java.time.Duration.ofSeconds(10))));
      } else {
        ctx.fail(e);
      }
    });
  }

  private void refuse(RoutingContext ctx, String error, String reason) {
    observer.refused(error);
    LOG.warn("stripe webhook refused from {}: {}", ctx.request().remoteAddress(), reason);
    ErrorResponses.send(ctx, 400, error, reason);
  }

  /** Strict: a lossy decode would make the signed bytes differ from those checked. */
  private static String utf8(Buffer body) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body.getBytes())).toString();
  }
}

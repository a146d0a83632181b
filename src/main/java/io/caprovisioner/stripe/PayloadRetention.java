package io.caprovisioner.stripe;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stripe events keep the customer's name and address in their raw body; once an event is applied
 * or ignored and older than {@code STRIPE_PAYLOAD_RETENTION_DAYS}, a sweep blanks them
 * ({@link PayloadRedaction}) and stamps {@code payload_redacted_at}. Failed, deferred and
 * received events are kept whole: they are still to be applied or replayed. Each batch locks its
 * rows with {@code SKIP LOCKED}, so replicas sweeping at once share the work; ages are counted on
 * the database's clock.
 */
public final class PayloadRetention {
  static final int BATCH = 200;
  private static final long EVERY_MS = 60 * 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(PayloadRetention.class);

  private final Pool pool;
  private final int retentionDays;

  public PayloadRetention(Pool pool, int retentionDays) {
    this.pool = pool;
    this.retentionDays = retentionDays;
  }

  /** Sweeps soon after the start, then hourly, until {@code vertx} closes. */
  public void hourly(Vertx vertx) {
    vertx.setTimer(10_000, t -> sweepAndLog());
    vertx.setPeriodic(EVERY_MS, t -> sweepAndLog());
  }

  private void sweepAndLog() {
    sweep().onSuccess(n -> {
      if (n > 0) {
        LOG.info("blanked the customer's details in {} Stripe event(s) applied over {} day(s) ago "
            + "(STRIPE_PAYLOAD_RETENTION_DAYS)", n, retentionDays);
      }
    }).onFailure(e -> LOG.warn("Stripe payload retention: {}; trying again in an hour", e.toString()));
  }

  /** Redacts every aged event still whole, batch by batch; returns how many it redacted. */
  public Future<Integer> sweep() {
    return batch().compose(n -> n < BATCH ? Future.succeededFuture(n) : sweep().map(rest -> n + rest));
  }

  private Future<Integer> batch() {
    return pool.withTransaction(sql -> sql.preparedQuery("SELECT id, payload FROM stripe_events "
                + "WHERE payload_redacted_at IS NULL AND status IN ('applied', 'ignored') "
                + "AND processed_at < now() - ($1::int * interval '1 day') "
                + "ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED")
            .execute(Tuple.of(retentionDays, BATCH))
            .compose(rows -> {
              List<Tuple> updates = new ArrayList<>();
              for (Row r : rows) {
                updates.add(Tuple.of(r.getString("id"), redacted(r.getString("payload"))));
              }
              if (updates.isEmpty()) {
                return Future.succeededFuture(0);
              }
              return sql.preparedQuery("UPDATE stripe_events SET payload = $2, payload_redacted_at = now() WHERE id = $1")
                  .executeBatch(updates).map(updates.size());
            }));
  }

  /** A body that is not JSON (it was stored, and settled, anyway) keeps nothing at all. */
  private static String redacted(String payload) {
    try {
      return PayloadRedaction.redact(payload);
    } catch (RuntimeException e) {
      return "{}";
    }
  }
}

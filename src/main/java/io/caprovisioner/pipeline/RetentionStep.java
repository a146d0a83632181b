package io.caprovisioner.pipeline;

import io.caprovisioner.jobs.Outcome;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * {@code retention}: the data of a deleted tenant is kept until {@code deletion_due_at}. The
 * reconcile waits until then; a resume (a new intent) wakes it at once and the running tenant's
 * steps no longer include this one. A purge moves the date, which is this step's target. The
 * date is compared with the database's clock, which set it: a replica whose clock runs ahead
 * must not drop a customer's data early.
 */
public final class RetentionStep implements TenantStep {
  public static final String NAME = "retention";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String target(ReconcileContext ctx) {
    return ctx.tenant().deletionDueAt().map(OffsetDateTime::toString).orElse("now");
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    OffsetDateTime due = ctx.tenant().deletionDueAt().orElse(null);
    return ctx.pool().preparedQuery("SELECT GREATEST(0, (EXTRACT(EPOCH FROM ($1::timestamptz - now())) * 1000)::bigint) "
            + "AS left_ms")
        .execute(Tuple.of(due))
        .map(rows -> {
          Row r = rows.iterator().next();
          Long leftMs = r.getLong("left_ms");
          if (due == null || leftMs == null || leftMs == 0) {
            return Outcome.done("retention period over (due " + (due == null ? "now" : due.toInstant()) + ")");
          }
          // parked, not blocking: the tenant's later jobs may run meanwhile
          return new Outcome.Wait("data kept until " + due.toInstant() + " (TENANT_RETENTION_DAYS)",
              Duration.ofMillis(leftMs), false);
        });
  }
}

package io.caprovisioner.pipeline;

import io.caprovisioner.jobs.Outcome;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * {@code retention}: the data of a deleted tenant is kept until {@code deletion_due_at}. The
 * reconcile waits until then; a resume (a new intent) wakes it at once and the running tenant's
 * steps no longer include this one. A purge moves the date, which is this step's target.
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
    Instant due = ctx.tenant().deletionDueAt().map(OffsetDateTime::toInstant).orElse(Instant.now());
    if (due.isAfter(Instant.now())) {
      return Future.succeededFuture(Outcome.parkUntil("data kept until " + due + " (TENANT_RETENTION_DAYS)", due));
    }
    return Future.succeededFuture(Outcome.done("retention period over (due " + due + ")"));
  }
}

package io.caprovisioner.jobs;

import io.vertx.core.Future;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * {@code retention}: the data of a deleted tenant is kept until {@code deletion_due_at}. The job
 * parks until then without holding back the tenant's later jobs, so a resume runs at once (and
 * this job then notices and stops). The date is read from the tenant each time: a later purge or
 * a new deletion moves it.
 */
public final class RetentionStep implements TenantStep {
  public static final String NAME = "retention";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Outcome> run(TenantWork work, OffsetDateTime startedAt) {
    Instant due = work.tenant().deletionDueAt().map(OffsetDateTime::toInstant).orElse(Instant.now());
    if (due.isAfter(Instant.now())) {
      return Future.succeededFuture(Outcome.parkUntil("data kept until " + due + " (TENANT_RETENTION_DAYS)", due));
    }
    return Future.succeededFuture(Outcome.done("retention period over (due " + due + ")"));
  }
}

package io.caprovisioner.pipeline;

import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import java.time.OffsetDateTime;

/**
 * The last step: {@code active} (with deployed_at) or {@code deleted}. Reached only when every
 * step before it achieved the current desired state; written under the row lock, only from the
 * status the reconcile ran in and only while no newer intent was recorded, in a transaction
 * fenced by the job's lock token.
 */
public final class SetStatusStep implements TenantStep {
  private final TenantStatus from;
  private final TenantStatus status;
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();

  public SetStatusStep(TenantStatus from, TenantStatus status) {
    this.from = from;
    this.status = status;
  }

  /** The status this step sets. */
  public TenantStatus status() {
    return status;
  }

  @Override
  public String name() {
    return "status." + status.wire();
  }

  /** Looked at once per generation: any intent may have moved the status away and back. */
  @Override
  public String target(ReconcileContext ctx) {
    return status.wire() + "@" + ctx.tenant().generation();
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    long id = ctx.tenant().id();
    long generation = ctx.tenant().generation();
    return ctx.job().fenced(sql -> tenants.lockById(sql, id).compose(t -> {
      if (t.isEmpty() || t.get().status() == status) {
        return Future.succeededFuture(Outcome.done("already " + status.wire()));
      }
      if (t.get().status() != from || !from.canMoveTo(status) || t.get().generation() != generation) {
        return Future.succeededFuture(Outcome.stop("tenant is now " + t.get().status().wire()
            + " (a newer request), not made " + status.wire()));
      }
      return tenants.setStatus(sql, id, status, null)
          .compose(v -> log.append(sql, id, "status", LogStatus.INFO, from.wire() + " -> " + status.wire()))
          .map(v -> Outcome.done("tenant is " + status.wire()));
    }));
  }
}

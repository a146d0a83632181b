package io.caprovisioner.jobs;

import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import java.time.OffsetDateTime;

/**
 * The last step of a pipeline: {@code active} (with deployed_at) or {@code deleted}. Reached only
 * when every step before it succeeded in this job.
 */
public final class SetStatusStep implements TenantStep {
  private final TenantStatus from;
  private final TenantStatus status;
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();

  /**
   * @param from the status the pipeline ran in; checked under the row lock, so a suspend or delete
   *             recorded while the last step ran is never overwritten
   */
  public SetStatusStep(TenantStatus from, TenantStatus status) {
    this.from = from;
    this.status = status;
  }

  @Override
  public String name() {
    return "status." + status.wire();
  }

  @Override
  public Future<Outcome> run(TenantWork work, OffsetDateTime startedAt) {
    long id = work.tenant().id();
    return work.pool().withTransaction(sql -> tenants.lockById(sql, id).compose(t -> {
      if (t.isEmpty() || t.get().status() == status) {
        return Future.succeededFuture(Outcome.done("already " + status.wire()));
      }
      if (t.get().status() != from || !from.canMoveTo(status)) {
        return Future.succeededFuture(Outcome.stop("tenant is now " + t.get().status().wire() + ", not made "
            + status.wire()));
      }
      return tenants.setStatus(sql, id, status, null)
          .compose(v -> log.append(sql, id, "status", "info", t.get().status().wire() + " -> " + status.wire()))
          .map(v -> Outcome.done("tenant is " + status.wire()));
    }));
  }
}

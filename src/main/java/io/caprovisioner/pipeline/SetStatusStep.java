package io.caprovisioner.pipeline;

import io.caprovisioner.db.BackupStore;
import io.caprovisioner.db.LogStatus;
import io.caprovisioner.db.MessageKind;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.lifecycle.MessageOutbox;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;

/**
 * The last step: {@code active} (with deployed_at) or {@code deleted}. Reached only when every
 * step before it achieved the current desired state; written under the row lock, only from the
 * status the reconcile ran in and only while no newer intent was recorded, in a transaction
 * fenced by the job's lock token. The customer's message (welcome, deleted) enters the outbox in
 * that same transaction: it exists exactly when the status does.
 */
public final class SetStatusStep implements TenantStep {
  private final TenantStatus from;
  private final TenantStatus status;
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();
  private final MessageOutbox outbox = new MessageOutbox();
  private final BackupStore backups = new BackupStore();

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
          .compose(v -> message(sql, id))
          .map(v -> Outcome.done("tenant is " + status.wire()));
    }));
  }

  /**
   * One welcome per tenant, however often it becomes active (a resume after a deletion was
   * scheduled provisions it again); one notice of its deletion.
   */
  private Future<Void> message(SqlClient sql, long id) {
    return switch (status) {
      case ACTIVE -> outbox.add(sql, id, MessageKind.WELCOME, "activated", new JsonObject()).mapEmpty();
      // the notice points to the final backup taken before the purge, if one was (BACKUP_FINAL_DAYS > 0)
      case DELETED -> backups.finalKeptUntil(sql, id).compose(until -> outbox.add(sql, id, MessageKind.DELETED,
          "deleted", new JsonObject().put("final_backup_until", until.map(Object::toString).orElse(null)))).mapEmpty();
      default -> Future.succeededFuture();
    };
  }
}

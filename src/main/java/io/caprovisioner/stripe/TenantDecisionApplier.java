package io.caprovisioner.stripe;

import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.LifecycleException;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;

/**
 * Carries a {@link SubscriptionDecision} out on a tenant through {@link TenantLifecycle} (status,
 * log and job in the caller's transaction). Level-triggered: a change the lifecycle refuses as a
 * conflict means the tenant is already where the decision wants it, so it is a no-op, not an error.
 */
public final class TenantDecisionApplier {
  static final String REQUESTED_BY = "stripe";

  private final TenantLifecycle lifecycle;
  private final TenantRepository tenants = new TenantRepository();

  public TenantDecisionApplier(TenantLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** @return what happened, for the event's note and the provisioning log */
  public Future<String> apply(SqlConnection sql, long tenantId, SubscriptionDecision decision, String eventId) {
    Optional<String> event = Optional.of(eventId);
    return tenants.byId(sql, tenantId).compose(found -> {
      Tenant t = found.orElseThrow(() -> LifecycleException.notFound("no tenant with id " + tenantId));
      TenantStatus s = t.status();
      return switch (decision.action()) {
        case RUN -> s == TenantStatus.SUSPENDED
            ? noConflict(lifecycle.resume(sql, tenantId, REQUESTED_BY, event), "resumed")
            : Future.succeededFuture(s == TenantStatus.DELETING || s == TenantStatus.DELETED
                // a canceled subscription never comes back in Stripe: nothing to resume
                ? "not resumed: tenant is " + s.wire()
                : "keeps running (" + s.wire() + ")");
        case GRACE -> Future.succeededFuture(s == TenantStatus.SUSPENDED
            // past_due keeps a running site running; it does not bring back a suspended one
            ? "stays suspended (grace does not resume)"
            : "keeps running (" + s.wire() + "), grace while Stripe retries");
        case SUSPEND, NOT_YET -> noConflict(lifecycle.suspend(sql, tenantId, REQUESTED_BY, event), "suspended");
        case CANCEL -> noConflict(lifecycle.delete(sql, tenantId, false, REQUESTED_BY, event),
            "suspended, deletion scheduled");
        case NONE -> Future.succeededFuture("no change (" + s.wire() + ")");
      };
    });
  }

  private static Future<String> noConflict(Future<Tenant> change, String done) {
    return change.map(t -> done + " (now " + t.status().wire() + ")").recover(e -> {
      if (e instanceof LifecycleException le && le.kind() == LifecycleException.Kind.CONFLICT) {
        return Future.succeededFuture("already there: " + le.getMessage());
      }
      return Future.failedFuture(e);
    });
  }
}

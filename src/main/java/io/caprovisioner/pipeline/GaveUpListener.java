package io.caprovisioner.pipeline;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Told, in the transaction that records it, that a tenant's reconcile used up its attempts: what
 * waits for that tenant (a fleet rollout) learns it with the failure, never later or twice.
 */
public interface GaveUpListener {
  GaveUpListener NONE = (sql, tenantId, reason) -> Future.succeededFuture();

  /** @param reason the failed step and its last error, as operators read it */
  Future<Void> gaveUp(SqlConnection sql, long tenantId, String reason);
}

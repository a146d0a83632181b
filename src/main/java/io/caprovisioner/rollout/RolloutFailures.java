package io.caprovisioner.rollout;

import io.caprovisioner.pipeline.GaveUpListener;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/** A tenant whose reconcile gave up while a rollout upgraded it has failed in that rollout, with the reason. */
public final class RolloutFailures implements GaveUpListener {
  private final RolloutStore store = new RolloutStore();

  @Override
  public Future<Void> gaveUp(SqlConnection sql, long tenantId, String reason) {
    return store.upgradeFailed(sql, tenantId, reason).mapEmpty();
  }
}

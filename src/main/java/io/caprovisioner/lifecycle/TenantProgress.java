package io.caprovisioner.lifecycle;

import io.caprovisioner.db.TenantStepStore;
import io.caprovisioner.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

/**
 * For {@code GET /admin/tenants/{id}/status}: each step of the tenant with its state, attempts,
 * next try and last error (or why it waits), and its recent reconciles.
 */
public final class TenantProgress {
  private static final int RECENT_RECONCILES = 10;
  private final TenantStepStore steps = new TenantStepStore();
  private final JobQueue jobs = new JobQueue();

  /** {@code {steps: [...], jobs: [...]}}, newest reconcile first. */
  public Future<JsonObject> of(SqlClient sql, long tenantId) {
    return steps.json(sql, tenantId).compose(stepList -> jobs.recent(sql, tenantId, JobKind.TENANT_RECONCILE.wire(),
        RECENT_RECONCILES).map(recent -> {
          // a failed step is tried again when its reconcile is: the queue's backoff decides when
          String nextTry = recent.isEmpty() ? null : recent.getJsonObject(0).getString("next_try");
          for (Object o : stepList) {
            JsonObject step = (JsonObject) o;
            if ("failed".equals(step.getString("state")) && step.getString("next_try") == null) {
              step.put("next_try", nextTry);
            }
          }
          return new JsonObject().put("steps", stepList).put("jobs", recent);
        }));
  }

  /** The steps alone. */
  public Future<JsonArray> steps(SqlClient sql, long tenantId) {
    return steps.json(sql, tenantId);
  }
}

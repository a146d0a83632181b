package io.caprovisioner.jobs;

import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.LifecycleException;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * {@code POST /admin/tenants/{id}/retry}: a failed tenant's dead provisioning job is queued again
 * with fresh attempts; its done steps stay done, so it resumes at the step that failed. With no
 * such job (failed some other way), a new provisioning job is queued.
 */
public final class TenantRetry {
  private final Pool pool;
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();
  private final JobQueue queue = new JobQueue();

  public TenantRetry(Pool pool) {
    this.pool = pool;
  }

  /** {@code {tenant_id, job_id, resumes_at}}; fails with a {@link LifecycleException} when not failed. */
  public Future<JsonObject> retry(long tenantId, String requestedBy) {
    return pool.withTransaction(sql -> tenants.lockById(sql, tenantId).compose(t -> {
      if (t.isEmpty()) {
        return Future.failedFuture(LifecycleException.notFound("no tenant with id " + tenantId));
      }
      if (t.get().status() != TenantStatus.FAILED) {
        return Future.failedFuture(LifecycleException.conflict("tenant " + t.get().names().namespace() + " is "
            + t.get().status().wire() + "; only a failed tenant can be retried"));
      }
      return sql.preparedQuery("SELECT id, step FROM jobs WHERE tenant_id = $1 AND kind = $2 AND state = 'dead' "
              + "ORDER BY id DESC LIMIT 1").execute(Tuple.of(tenantId, TenantLifecycle.PROVISION))
          .compose(rows -> rows.size() == 0 ? fresh(sql, tenantId, requestedBy)
              : requeue(sql, rows.iterator().next().getLong("id"), rows.iterator().next().getString("step")))
          .compose(result -> tenants.setStatus(sql, tenantId, TenantStatus.PROVISIONING, "retry requested by "
                  + requestedBy)
              .compose(v -> log.append(sql, tenantId, "status", "info", "failed -> provisioning: retry requested by "
                  + requestedBy + (result.getString("resumes_at") == null ? ""
                  : " (resumes at " + result.getString("resumes_at") + ")")))
              .map(result.put("tenant_id", tenantId)));
    }));
  }

  public Future<JsonObject> retry(long tenantId) {
    return retry(tenantId, "admin");
  }

  private Future<JsonObject> requeue(SqlConnection sql, long jobId, String step) {
    return sql.preparedQuery("UPDATE jobs SET state = 'queued', attempts = 0, run_after = now(), finished_at = NULL, "
            + "blocks_tenant = true, wait_reason = NULL, updated_at = now() WHERE id = $1").execute(Tuple.of(jobId))
        .compose(v -> sql.preparedQuery("UPDATE job_steps SET state = 'pending', started_at = NULL, "
            + "updated_at = now() WHERE job_id = $1 AND state <> 'done'").execute(Tuple.of(jobId)))
        .compose(v -> sql.query("NOTIFY " + JobQueue.CHANNEL).execute())
        .map(v -> new JsonObject().put("job_id", jobId).put("resumes_at", step));
  }

  private Future<JsonObject> fresh(SqlConnection sql, long tenantId, String requestedBy) {
    return queue.enqueue(sql, tenantId, TenantLifecycle.PROVISION, new JsonObject().put("requested_by", requestedBy),
            TenantLifecycle.PROVISION + ":" + tenantId)
        .map(id -> new JsonObject().put("job_id", id.orElse(null)).putNull("resumes_at"));
  }
}

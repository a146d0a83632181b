package io.caprovisioner.gitops;

import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import java.util.List;

/** What the gitops repository says about tenants, read from Git itself (the audit trail). */
public interface TenantHistory {
  /**
   * The commits that changed the tenant's folder, newest first, at most {@code limit}. Fetches
   * first; when the remote cannot be reached, answers from the local clone.
   */
  Future<List<TenantCommit>> history(TenantNames names, int limit);

  /** Every {@code tenants/<shard>/<namespace>/tenant.yaml} at the branch tip (after a fetch). */
  Future<TenantFiles> tenantFiles();
}

package io.caprovisioner.gitops;

import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Commits tenant changes to the gitops repository and pushes them. Blocking Git work runs off the
 * event loop. Each call is idempotent: when the repository already holds exactly this state the
 * result is empty (no commit).
 */
public interface GitopsWriter {
  /** Writes the tenant's files; the new commit's sha, or empty when nothing changed. */
  Future<Optional<String>> write(TenantDesired desired, GitChange change);

  /**
   * For the gitops remote's breaker: succeeds when the remote answers (fails with
   * {@link GitopsUnavailableException} while it cannot be reached).
   */
  Future<Void> reachable();

  /** Removes the tenant's directory; the commit's sha, or empty when it was already gone. */
  Future<Optional<String>> remove(TenantNames names, GitChange change);
}

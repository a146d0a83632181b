package io.caprovisioner.gitimport;

/**
 * Decides whether tenant folders removed from Git may be deleted now or must wait for an
 * operator: a mass removal (more than GITOPS_MAX_DELETIONS at once) and a branch left with no
 * tenants at all look like accidents (a bad merge, a wrong branch) more than like intent.
 */
record RemovalGuard(int maxDeletions) {
  /**
   * @param removals     tenants whose removal would be applied now
   * @param tenantsAtTip tenant files left on the branch
   */
  boolean mustWait(int removals, int tenantsAtTip) {
    return removals > 0 && (removals > maxDeletions || tenantsAtTip == 0);
  }

  String reason(int removals, int tenantsAtTip) {
    return tenantsAtTip == 0 ? "the branch has no tenants left"
        : removals + " tenants removed at once (GITOPS_MAX_DELETIONS is " + maxDeletions + ")";
  }
}

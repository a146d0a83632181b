package io.caprovisioner.gitops;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The gitops branch as the Git import sees it after a fetch: its tenant files, and how the tip
 * relates to the commit the import last finished with. Deletions may only be derived from
 * {@link #removedFolders()}, which is filled only when the tip descends from that commit.
 *
 * <p>Only what the import needs is read: after an ordinary push ({@link Relation#DESCENDANT}) the
 * tenant files of folders people changed and a tree diff since the last imported commit, so its
 * cost follows the change, not the fleet.
 *
 * @param tip               empty: the branch does not exist (yet)
 * @param files             {@link Relation#FIRST}, {@link Relation#REWRITTEN}: every tenant.yaml at the
 *                          tip; {@link Relation#DESCENDANT}: those in {@code changedByPeople}; {@link
 *                          Relation#SAME}: none
 * @param relation          how the tip relates to the last imported commit
 * @param removedFolders    {@code tenants/<shard>/<namespace>} whose tenant.yaml was at the last
 *                          imported commit and is not at the tip ({@link Relation#DESCENDANT} only)
 * @param changedByPeople   tenant folders changed by commits in between that the service did not
 *                          make, i.e. merged pull requests ({@link Relation#DESCENDANT} only)
 * @param changedAtTip      tenant folders that hold a tenant.yaml at the tip and differ from the
 *                          last imported commit, whoever changed them ({@link Relation#DESCENDANT};
 *                          otherwise the folders of {@code files})
 * @param tenantsAtTip      how many tenant folders the tip has
 */
public record BranchSnapshot(Optional<String> tip, List<TenantFile> files, Relation relation,
    Set<String> removedFolders, Set<String> changedByPeople, Set<String> changedAtTip, int tenantsAtTip) {

  public enum Relation {
    /** Nothing imported yet: no previous commit to compare with. */
    FIRST,
    /** The tip is the commit last imported. */
    SAME,
    /** The tip descends from the commit last imported: an ordinary push or merge. */
    DESCENDANT,
    /** The last imported commit is not in the tip's history: a force-push rewrote the branch. */
    REWRITTEN
  }

  public BranchSnapshot {
    files = List.copyOf(files);
    removedFolders = Set.copyOf(removedFolders);
    changedByPeople = Set.copyOf(changedByPeople);
    changedAtTip = Set.copyOf(changedAtTip);
  }

  static BranchSnapshot noBranch() {
    return new BranchSnapshot(Optional.empty(), List.of(), Relation.FIRST, Set.of(), Set.of(), Set.of(), 0);
  }
}

package io.caprovisioner.gitops;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/** Compares the branch tip with the last imported commit, for the Git import. */
final class ChangeReader {
  private static final String TENANT_FILE = "tenant.yaml";

  private ChangeReader() {
  }

  /** @param serviceEmail the committer email of the service's own commits */
  static BranchSnapshot read(Repository repo, ObjectId tip, Optional<String> lastImported, String serviceEmail)
      throws IOException {
    List<TenantFile> files = HistoryReader.tenantFiles(repo, tip);
    if (lastImported.isEmpty()) {
      return new BranchSnapshot(Optional.of(tip.name()), files, BranchSnapshot.Relation.FIRST, Set.of(), Set.of());
    }
    ObjectId previous = ObjectId.fromString(lastImported.get());
    if (previous.equals(tip)) {
      return new BranchSnapshot(Optional.of(tip.name()), files, BranchSnapshot.Relation.SAME, Set.of(), Set.of());
    }
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit tipCommit = walk.parseCommit(tip);
      RevCommit previousCommit;
      try {
        previousCommit = walk.parseCommit(previous);
      } catch (MissingObjectException e) {
        // not even in our clone any more: certainly not in the tip's history
        return rewritten(tip, files);
      }
      if (!walk.isMergedInto(previousCommit, tipCommit)) {
        return rewritten(tip, files);
      }
      Set<String> removed = removedTenantFolders(repo, previousCommit, tipCommit);
      Set<String> byPeople = foldersChangedByPeople(repo, walk, previousCommit, tipCommit, serviceEmail);
      return new BranchSnapshot(Optional.of(tip.name()), files, BranchSnapshot.Relation.DESCENDANT, removed,
          byPeople);
    }
  }

  private static BranchSnapshot rewritten(ObjectId tip, List<TenantFile> files) {
    return new BranchSnapshot(Optional.of(tip.name()), files, BranchSnapshot.Relation.REWRITTEN, Set.of(), Set.of());
  }

  /** Folders whose tenant.yaml exists at {@code from} and not at {@code to}. */
  private static Set<String> removedTenantFolders(Repository repo, RevCommit from, RevCommit to) throws IOException {
    Set<String> removed = new HashSet<>();
    try (TreeWalk tw = new TreeWalk(repo)) {
      tw.addTree(from.getTree());
      tw.addTree(to.getTree());
      tw.setRecursive(true);
      tw.setFilter(AndTreeFilter.create(PathFilter.create("tenants"), TreeFilter.ANY_DIFF));
      while (tw.next()) {
        String[] parts = tw.getPathString().split("/");
        if (parts.length == 4 && parts[3].equals(TENANT_FILE) && tw.getFileMode(0) != FileMode.MISSING
            && tw.getFileMode(1) == FileMode.MISSING) {
          removed.add(parts[0] + "/" + parts[1] + "/" + parts[2]);
        }
      }
    }
    return removed;
  }

  /** Tenant folders that commits in (from, to] not made by the service changed, against their first parent. */
  private static Set<String> foldersChangedByPeople(Repository repo, RevWalk walk, RevCommit from, RevCommit to,
      String serviceEmail) throws IOException {
    Set<String> folders = new HashSet<>();
    walk.reset();
    walk.markStart(to);
    walk.markUninteresting(from);
    for (RevCommit c : walk) {
      if (serviceEmail.equalsIgnoreCase(c.getCommitterIdent().getEmailAddress())) {
        continue;
      }
      try (TreeWalk tw = new TreeWalk(repo)) {
        if (c.getParentCount() == 0) {
          tw.addTree(new EmptyTreeIterator());
        } else {
          tw.addTree(walk.parseCommit(c.getParent(0)).getTree());
        }
        tw.addTree(c.getTree());
        tw.setRecursive(true);
        tw.setFilter(AndTreeFilter.create(PathFilter.create("tenants"), TreeFilter.ANY_DIFF));
        while (tw.next()) {
          String[] parts = tw.getPathString().split("/");
          if (parts.length >= 4) {
            folders.add(parts[0] + "/" + parts[1] + "/" + parts[2]);
          }
        }
      }
    }
    return folders;
  }
}

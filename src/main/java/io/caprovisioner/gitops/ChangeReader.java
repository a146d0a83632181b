package io.caprovisioner.gitops;

import java.io.IOException;
import java.util.ArrayList;
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
    if (lastImported.isEmpty()) {
      return everything(repo, tip, BranchSnapshot.Relation.FIRST);
    }
    ObjectId previous = ObjectId.fromString(lastImported.get());
    if (previous.equals(tip)) {
      // nothing happened since: nothing to read
      return new BranchSnapshot(Optional.of(tip.name()), List.of(), BranchSnapshot.Relation.SAME, Set.of(), Set.of(),
          Set.of(), 0);
    }
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit tipCommit = walk.parseCommit(tip);
      RevCommit previousCommit;
      try {
        previousCommit = walk.parseCommit(previous);
      } catch (MissingObjectException e) {
        // not even in our clone any more: certainly not in the tip's history
        return everything(repo, tip, BranchSnapshot.Relation.REWRITTEN);
      }
      if (!walk.isMergedInto(previousCommit, tipCommit)) {
        return everything(repo, tip, BranchSnapshot.Relation.REWRITTEN);
      }
      Diff diff = diff(repo, previousCommit, tipCommit);
      Set<String> byPeople = foldersChangedByPeople(repo, walk, previousCommit, tipCommit, serviceEmail);
      List<TenantFile> files = new ArrayList<>();
      for (String folder : byPeople.stream().sorted().toList()) {
        HistoryReader.tenantFile(repo, tip, folder).ifPresent(files::add);
      }
      return new BranchSnapshot(Optional.of(tip.name()), files, BranchSnapshot.Relation.DESCENDANT, diff.removed(),
          byPeople, diff.present(), HistoryReader.tenantFolderCount(repo, tip));
    }
  }

  /** Every tenant file at the tip: nothing to compare with. */
  private static BranchSnapshot everything(Repository repo, ObjectId tip, BranchSnapshot.Relation relation)
      throws IOException {
    List<TenantFile> files = HistoryReader.tenantFiles(repo, tip);
    Set<String> folders = new HashSet<>();
    files.forEach(f -> folders.add(f.path().substring(0, f.path().lastIndexOf('/'))));
    return new BranchSnapshot(Optional.of(tip.name()), files, relation, Set.of(), Set.of(), folders, folders.size());
  }

  /**
   * @param removed folders whose tenant.yaml exists at {@code from} and not at {@code to}
   * @param present changed folders whose tenant.yaml exists at {@code to}
   */
  private record Diff(Set<String> removed, Set<String> present) {
  }

  /** A tree diff: identical subtrees (all but the few changed shards and folders) are skipped unread. */
  private static Diff diff(Repository repo, RevCommit from, RevCommit to) throws IOException {
    Set<String> removed = new HashSet<>();
    Set<String> present = new HashSet<>();
    try (TreeWalk tw = new TreeWalk(repo)) {
      tw.addTree(from.getTree());
      tw.addTree(to.getTree());
      tw.setRecursive(true);
      tw.setFilter(AndTreeFilter.create(PathFilter.create("tenants"), TreeFilter.ANY_DIFF));
      while (tw.next()) {
        String[] parts = tw.getPathString().split("/");
        if (parts.length == 4 && parts[3].equals(TENANT_FILE)) {
          String folder = parts[0] + "/" + parts[1] + "/" + parts[2];
          if (tw.getFileMode(1) != FileMode.MISSING) {
            present.add(folder);
          } else if (tw.getFileMode(0) != FileMode.MISSING) {
            removed.add(folder);
          }
        }
      }
    }
    return new Diff(removed, present);
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

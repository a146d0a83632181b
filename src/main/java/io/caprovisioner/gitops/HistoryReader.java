package io.caprovisioner.gitops;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.caprovisioner.render.TenantFileText;
import io.caprovisioner.render.TenantYamlException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.FooterLine;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/** Reads tenants' history and tenant.yaml files out of the clone. */
final class HistoryReader {
  private HistoryReader() {
  }

  static List<TenantCommit> history(Repository repo, ObjectId tip, String folder, int limit) throws IOException {
    List<TenantCommit> commits = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repo)) {
      // Git's own history simplification: only commits that changed the folder
      walk.setTreeFilter(AndTreeFilter.create(PathFilter.create(folder), TreeFilter.ANY_DIFF));
      walk.markStart(walk.parseCommit(tip));
      for (RevCommit c : walk) {
        if (commits.size() >= limit) {
          break;
        }
        List<FooterLine> footers = c.getFooterLines();
        commits.add(new TenantCommit(c.name(), Instant.ofEpochSecond(c.getCommitTime()), c.getAuthorIdent().getName(),
            c.getShortMessage(), c.getFullMessage(), footer(footers, CommitMessage.ACTION),
            footer(footers, CommitMessage.STRIPE_EVENT), footer(footers, CommitMessage.REQUESTED_BY)));
      }
    }
    return commits;
  }

  private static Optional<String> footer(List<FooterLine> footers, String key) {
    List<String> values = FooterLine.getValues(footers, key);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
  }

  static List<TenantFile> tenantFiles(Repository repo, ObjectId tip) throws IOException {
    List<TenantFile> files = new ArrayList<>();
    try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader);
        TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(walk.parseCommit(tip).getTree());
      tree.setRecursive(true);
      tree.setFilter(AndTreeFilter.create(PathFilter.create("tenants"), PathSuffixFilter.create("/tenant.yaml")));
      while (tree.next()) {
        // exactly tenants/<shard>/<namespace>/tenant.yaml; anything deeper or shallower is not a tenant
        if (tree.getDepth() == 3) {
          files.add(read(reader, tree));
        }
      }
    }
    return files;
  }

  /** The tenant.yaml of one folder ({@code tenants/<shard>/<namespace>}) at the tip, when it has one. */
  static Optional<TenantFile> tenantFile(Repository repo, ObjectId tip, String folder) throws IOException {
    try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader);
        TreeWalk tree = TreeWalk.forPath(reader, folder + "/tenant.yaml", walk.parseCommit(tip).getTree())) {
      return tree == null ? Optional.empty() : Optional.of(read(reader, tree));
    }
  }

  /** The tenant folders ({@code tenants/<shard>/<namespace>}) at the tip: the shard trees' entries, nothing deeper. */
  static int tenantFolderCount(Repository repo, ObjectId tip) throws IOException {
    int count = 0;
    try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader);
        TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(walk.parseCommit(tip).getTree());
      tree.setFilter(PathFilter.create("tenants"));
      while (tree.next()) {
        if (!tree.isSubtree()) {
          continue;
        }
        if (tree.getDepth() < 2) {
          tree.enterSubtree();
        } else {
          count++;
        }
      }
    }
    return count;
  }

  /** Through the one tenant.yaml reader: a gitlink, a huge blob or bad UTF-8 is reported, never loaded. */
  private static TenantFile read(ObjectReader reader, TreeWalk tree) throws IOException {
    String path = tree.getPathString();
    if (tree.getFileMode(0) != FileMode.REGULAR_FILE && tree.getFileMode(0) != FileMode.EXECUTABLE_FILE) {
      return TenantFile.unreadable(path, path + ": not a regular file (" + tree.getFileMode(0) + ")");
    }
    try {
      TenantFileText.checkSize(path, reader.getObjectSize(tree.getObjectId(0), ObjectReader.OBJ_ANY));
      return TenantFile.readable(path, TenantFileText.decode(path, reader.open(tree.getObjectId(0)).getBytes()));
    } catch (TenantYamlException e) {
      return TenantFile.unreadable(path, e.getMessage());
    }
  }
}

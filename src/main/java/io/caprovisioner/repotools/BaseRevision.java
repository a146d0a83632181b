package io.caprovisioner.repotools;

import io.caprovisioner.render.TenantFileText;
import io.caprovisioner.render.TenantYamlException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The branch a pull request goes into (e.g. {@code origin/main}), as far as {@code validate}
 * needs it: which files the pull request's commits (HEAD) change against it, and its
 * {@code tenant.yaml} for each changed tenant folder, since only the service may create or change
 * a Stripe-owned tenant. Only what changed is read: Git skips every tree whose id is the same on
 * both sides, so the cost follows the size of the change, not of the repository. Edits not yet
 * committed are not part of a pull request and are not seen (finding them would stat every file
 * of the checkout); {@code validate} without {@code --base} checks the files as they are on disk.
 *
 * @param changedPaths files added, changed or removed by HEAD's commits since the base
 * @param wholeTree    a change outside {@code tenants/} (the rendering settings, the plans, the
 *                     schema) may change what every tenant renders to: every folder is checked
 * @param tenantFiles  the base's {@code tenants/<shard>/<namespace>/tenant.yaml}, by path: of the
 *                     changed tenant folders, or of all with {@code wholeTree}
 */
public record BaseRevision(String ref, Set<String> changedPaths, boolean wholeTree, Map<String, String> tenantFiles) {

  /** @throws IOException when the checkout is no Git repository or the ref does not resolve */
  public static BaseRevision read(Path checkout, String ref) throws IOException {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(checkout.toFile());
    if (builder.getGitDir() == null) {
      throw new IOException(checkout + " is not inside a Git repository (needed for --base " + ref + ")");
    }
    try (Repository repo = builder.build(); ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      ObjectId commit = repo.resolve(ref + "^{commit}");
      if (commit == null) {
        throw new IOException("--base " + ref + " does not name a commit here (fetch it first, e.g. "
            + "actions/checkout with fetch-depth: 0)");
      }
      RevTree base = walk.parseCommit(commit).getTree();
      Set<String> changed = committedSince(reader, base, repo.resolve(Constants.HEAD + "^{tree}"));
      boolean wholeTree = changed.stream().anyMatch(BaseRevision::affectsEveryTenant);
      Map<String, String> files = wholeTree ? allTenantFiles(reader, base, ref)
          : tenantFiles(reader, base, CheckoutLayout.tenantFolders(changed), ref);
      return new BaseRevision(ref, Set.copyOf(changed), wholeTree, files);
    }
  }

  /** Anything outside tenants/ but prose: ca-provisioner.yaml, a template folder, the schema. */
  private static boolean affectsEveryTenant(String path) {
    return !path.startsWith(CheckoutLayout.TENANTS + "/") && !path.endsWith(".md");
  }

  /** Paths that differ between the base's tree and HEAD's (every base file before the first commit). */
  private static Set<String> committedSince(ObjectReader reader, RevTree base, ObjectId head) throws IOException {
    Set<String> paths = new TreeSet<>();
    try (TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(base);
      if (head == null) {
        tree.addTree(new EmptyTreeIterator());
      } else {
        tree.addTree(head);
      }
      tree.setRecursive(true);
      tree.setFilter(TreeFilter.ANY_DIFF);
      while (tree.next()) {
        paths.add(tree.getPathString());
      }
    }
    return paths;
  }

  private static Map<String, String> tenantFiles(ObjectReader reader, RevTree base, Set<String> folders, String ref)
      throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (String folder : folders) {
      String path = folder + "/" + CheckoutLayout.TENANT_FILE;
      try (TreeWalk tree = TreeWalk.forPath(reader, path, base)) {
        if (tree != null && tree.getFileMode(0) == FileMode.REGULAR_FILE) {
          files.put(path, text(reader, path, tree.getObjectId(0), ref));
        }
      }
    }
    return files;
  }

  private static Map<String, String> allTenantFiles(ObjectReader reader, RevTree base, String ref) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (TreeWalk tree = new TreeWalk(reader)) {
      tree.addTree(base);
      tree.setRecursive(true);
      tree.setFilter(PathFilter.create(CheckoutLayout.TENANTS));
      while (tree.next()) {
        String[] parts = tree.getPathString().split("/");
        if (parts.length == 4 && parts[3].equals(CheckoutLayout.TENANT_FILE)
            && tree.getFileMode(0) == FileMode.REGULAR_FILE) {
          files.put(tree.getPathString(), text(reader, tree.getPathString(), tree.getObjectId(0), ref));
        }
      }
    }
    return files;
  }

  private static String text(ObjectReader reader, String path, ObjectId blob, String ref) throws IOException {
    try {
      TenantFileText.checkSize(path, reader.getObjectSize(blob, ObjectReader.OBJ_ANY));
      return TenantFileText.decode(path, reader.open(blob).getBytes());
    } catch (TenantYamlException e) {
      throw new IOException("--base " + ref + ": " + e.getMessage(), e);
    }
  }
}

package io.caprovisioner.repotools;

import io.caprovisioner.render.TenantFileText;
import io.caprovisioner.render.TenantYamlException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The tenant files of the branch a pull request goes into (e.g. {@code origin/main}), read from
 * the checkout's Git repository: what {@code validate} compares Stripe-owned tenants with, since
 * only the service may create or change those.
 */
public final class BaseRevision {

  private BaseRevision() {
  }

  /**
   * Every {@code tenants/<shard>/<namespace>/tenant.yaml} at {@code ref}, by path.
   *
   * @throws IOException when the checkout is no Git repository or the ref does not resolve
   */
  public static Map<String, String> tenantFiles(Path checkout, String ref) throws IOException {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(checkout.toFile());
    if (builder.getGitDir() == null) {
      throw new IOException(checkout + " is not inside a Git repository (needed for --base " + ref + ")");
    }
    try (Repository repo = builder.build(); ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader); TreeWalk tree = new TreeWalk(reader)) {
      ObjectId commit = repo.resolve(ref + "^{commit}");
      if (commit == null) {
        throw new IOException("--base " + ref + " does not name a commit here (fetch it first, e.g. "
            + "actions/checkout with fetch-depth: 0)");
      }
      Map<String, String> files = new TreeMap<>();
      tree.addTree(walk.parseCommit(commit).getTree());
      tree.setRecursive(true);
      tree.setFilter(PathFilter.create(CheckoutLayout.TENANTS));
      while (tree.next()) {
        String[] parts = tree.getPathString().split("/");
        if (parts.length == 4 && parts[3].equals(CheckoutLayout.TENANT_FILE)
            && tree.getFileMode(0) == FileMode.REGULAR_FILE) {
          String path = tree.getPathString();
          try {
            TenantFileText.checkSize(path, reader.getObjectSize(tree.getObjectId(0), ObjectReader.OBJ_ANY));
            files.put(path, TenantFileText.decode(path, reader.open(tree.getObjectId(0)).getBytes()));
          } catch (TenantYamlException e) {
            throw new IOException("--base " + ref + ": " + e.getMessage(), e);
          }
        }
      }
      return files;
    }
  }
}

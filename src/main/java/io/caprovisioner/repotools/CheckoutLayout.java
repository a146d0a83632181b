package io.caprovisioner.repotools;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The shape of a checkout of the gitops repository: {@code tenants/<shard>/<namespace>/} folders
 * holding {@code tenant.yaml} and the rendered manifest, nothing else, and no symbolic links
 * anywhere (links are not followed, only reported).
 */
public final class CheckoutLayout {
  public static final String TENANTS = io.caprovisioner.tenant.TenantNames.TENANTS_ROOT;
  public static final String TENANT_FILE = "tenant.yaml";
  private static final Pattern SHARD = Pattern.compile("^[0-9a-f]{2}$");
  /** Files the skeleton keeps directly under tenants/. */
  private static final Set<String> TENANTS_LEVEL_FILES = Set.of("README.md", ".gitkeep");
  /** The service keeps an emptied shard folder with it, for Argo CD's per-shard root apps. */
  private static final String SHARD_KEEP = ".keep";

  /** One tenant folder and the regular files in it. */
  public record TenantFolder(String path, String shard, String namespace, Set<String> files) {
    public String file(String name) {
      return path + "/" + name;
    }
  }

  /** @param folders sorted by path */
  public record Scan(List<TenantFolder> folders, List<Problem> problems) {
  }

  private CheckoutLayout() {
  }

  /** The {@code tenants/<shard>/<namespace>} folders that {@code files} (checkout-relative) lie in. */
  public static Set<String> tenantFolders(Collection<String> files) {
    Set<String> folders = new TreeSet<>();
    for (String file : files) {
      String[] parts = file.split("/");
      if (parts.length >= 4 && parts[0].equals(TENANTS)) {
        folders.add(parts[0] + "/" + parts[1] + "/" + parts[2]);
      }
    }
    return folders;
  }

  /** The whole checkout. @param manifestFileName {@code application.yaml} or {@code helmrelease.yaml} */
  public static Scan scan(CheckoutPaths paths, String manifestFileName) throws IOException {
    return scan(paths, manifestFileName, List.of(""));
  }

  /**
   * Only where {@code changedFiles} are: each one's tenant folder (whole), or the file itself
   * when it lies in no tenant folder. What did not change was checked when it was merged.
   */
  public static Scan scanChanged(CheckoutPaths paths, String manifestFileName, Collection<String> changedFiles)
      throws IOException {
    Set<String> starts = new TreeSet<>(tenantFolders(changedFiles));
    for (String file : changedFiles) {
      String[] parts = file.split("/");
      if (!(parts.length >= 4 && parts[0].equals(TENANTS))) {
        starts.add(file);
      }
    }
    List<String> present = new ArrayList<>();
    for (String start : starts) {
      if (Files.exists(paths.root().resolve(start), LinkOption.NOFOLLOW_LINKS)) {
        present.add(start); // a removed folder is the Stripe ownership rule's to judge
      }
    }
    return scan(paths, manifestFileName, present);
  }

  private static Scan scan(CheckoutPaths paths, String manifestFileName, List<String> starts) throws IOException {
    Path root = paths.root();
    List<Problem> problems = new ArrayList<>();
    Map<String, TenantFolder> folders = new TreeMap<>();
    Set<String> badShards = new TreeSet<>();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(root + " is not a directory");
    }
    SimpleFileVisitor<Path> visitor = new SimpleFileVisitor<>() {
      /** Reported once for the shard folder, whether the walk started above it or inside it. */
      private boolean inBadShard(String[] parts) {
        if (parts.length < 2 || !parts[0].equals(TENANTS) || SHARD.matcher(parts[1]).matches()) {
          return false;
        }
        String shard = parts[0] + "/" + parts[1];
        if (badShards.add(shard)) {
          problems.add(Problem.of(shard, "not a shard folder (two lowercase hex characters); tenants live in "
              + "tenants/<shard>/tenant-<id>/"));
        }
        return true;
      }

      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String rel = paths.relative(dir);
        if (rel.equals(".git")) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        String[] parts = rel.isEmpty() ? new String[0] : rel.split("/");
        if (parts.length == 0 || !parts[0].equals(TENANTS)) {
          return FileVisitResult.CONTINUE; // outside tenants/ only links matter
        }
        if (inBadShard(parts)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        if (parts.length == 3) {
          folders.put(rel, new TenantFolder(rel, parts[1], parts[2], new TreeSet<>()));
        }
        if (parts.length > 3) {
          problems.add(Problem.of(rel, "unexpected folder inside a tenant folder"));
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String rel = paths.relative(file);
        if (attrs.isSymbolicLink()) {
          problems.add(Problem.of(rel, "is a symbolic link; links are refused (they can point outside the "
              + "repository)"));
          return FileVisitResult.CONTINUE;
        }
        if (!attrs.isRegularFile()) {
          problems.add(Problem.of(rel, "is not a regular file"));
          return FileVisitResult.CONTINUE;
        }
        String[] parts = rel.split("/");
        if (!parts[0].equals(TENANTS) || (parts.length > 2 && inBadShard(parts))) {
          return FileVisitResult.CONTINUE;
        }
        if (parts.length == 2 && TENANTS_LEVEL_FILES.contains(parts[1])) {
          return FileVisitResult.CONTINUE;
        }
        if (parts.length == 3 && parts[2].equals(SHARD_KEEP)) {
          return FileVisitResult.CONTINUE;
        }
        if (parts.length == 4 && (parts[3].equals(TENANT_FILE) || parts[3].equals(manifestFileName))) {
          folders.get(parts[0] + "/" + parts[1] + "/" + parts[2]).files().add(parts[3]);
          return FileVisitResult.CONTINUE;
        }
        problems.add(Problem.of(rel, "unexpected file: a tenant folder holds only " + TENANT_FILE + " and "
            + manifestFileName + " (tenants/<shard>/tenant-<id>/)"));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        problems.add(Problem.of(paths.relative(file), "cannot be read: " + e.getMessage()));
        return FileVisitResult.CONTINUE;
      }
    };
    for (String start : starts) {
      Files.walkFileTree(start.isEmpty() ? root : root.resolve(start), visitor);
    }
    return new Scan(List.copyOf(folders.values()), problems);
  }
}

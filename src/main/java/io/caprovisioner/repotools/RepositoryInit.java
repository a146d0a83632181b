package io.caprovisioner.repotools;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * {@code tenant init}: writes the files a new gitops repository starts with into a new or empty
 * folder (a fresh clone's {@code .git} is fine). All or nothing: when any file is already there, or
 * the way to it passes a symbolic link or a file, nothing is written. Files are created with
 * O_CREAT|O_EXCL, so nothing that appears meanwhile is overwritten or written through either.
 */
public final class RepositoryInit {
  /** @param written repository paths written; @param refused why nothing was written (empty: done) */
  public record Result(List<String> written, List<Problem> refused) {
  }

  private RepositoryInit() {
  }

  /** @param files by repository path, e.g. {@code tenants/README.md} */
  public static Result write(Path dir, SortedMap<String, byte[]> files) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    if (Files.exists(root, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(root)) {
      return new Result(List.of(), List.of(Problem.of(root.toString(), "is not a folder")));
    }
    Files.createDirectories(root);
    CheckoutPaths paths = new CheckoutPaths(root);
    Set<Problem> refused = new LinkedHashSet<>(); // a link to tenants/ is one problem, not one per file
    for (String file : files.keySet()) {
      conflict(paths, file).ifPresent(refused::add);
    }
    if (!refused.isEmpty()) {
      return new Result(List.of(), List.copyOf(refused));
    }
    List<String> written = new ArrayList<>();
    for (var file : files.entrySet()) {
      Path target = paths.resolve(file.getKey());
      createFolders(paths, file.getKey());
      try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS)) {
        out.write(file.getValue());
      }
      written.add(file.getKey());
    }
    return new Result(written, List.of());
  }

  /** What stands in the way of creating {@code file}: a link or a file on the way, or the file itself. */
  private static Optional<Problem> conflict(CheckoutPaths paths, String file) {
    String[] parts = file.split("/");
    Path current = paths.root();
    for (int i = 0; i < parts.length; i++) {
      current = current.resolve(parts[i]);
      String relative = paths.relative(current);
      if (Files.isSymbolicLink(current)) {
        return Optional.of(Problem.of(relative, "is a symbolic link; tenant init never writes through links"));
      }
      boolean last = i == parts.length - 1;
      if (last && Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(Problem.of(relative, "already exists; tenant init never overwrites"));
      }
      if (!last && Files.exists(current, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(current,
          LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(Problem.of(relative, "is a file where the skeleton has a folder"));
      }
    }
    try {
      paths.resolve(file); // the same rules as the other tools, e.g. no '..'
    } catch (IllegalArgumentException e) {
      return Optional.of(Problem.of(file, e.getMessage()));
    }
    return Optional.empty();
  }

  private static void createFolders(CheckoutPaths paths, String file) throws IOException {
    String[] parts = file.split("/");
    StringBuilder relative = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      relative.append(i == 0 ? "" : "/").append(parts[i]);
      Path folder = paths.resolve(relative.toString()); // a link that appeared meanwhile is refused here
      if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(folder);
      }
    }
  }
}

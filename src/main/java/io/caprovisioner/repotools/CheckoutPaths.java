package io.caprovisioner.repotools;

import io.caprovisioner.render.TenantFileText;
import io.caprovisioner.render.TenantYamlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Paths inside a checkout of the gitops repository that the tools may read or write: relative,
 * without {@code ..}, and with no symbolic link anywhere between the root and the file, so that a
 * crafted pull request can neither make {@code validate} read nor {@code tenant new} write outside
 * the repository.
 */
public final class CheckoutPaths {
  private final Path root;

  /** @param root the checkout; a link to it is fine (the person chose it), links inside it are not */
  public CheckoutPaths(Path root) {
    Path absolute = root.toAbsolutePath().normalize();
    Path real;
    try {
      real = absolute.toRealPath();
    } catch (IOException e) {
      real = absolute; // does not exist (yet); reading or walking it will say so
    }
    this.root = real;
  }

  public Path root() {
    return root;
  }

  /**
   * @param relative a repository path such as {@code tenants/3f/tenant-x/tenant.yaml}
   * @throws IllegalArgumentException naming the problem when the path escapes or passes a link
   */
  public Path resolve(String relative) {
    if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\") || relative.contains("\0")) {
      throw new IllegalArgumentException(relative + ": not a relative repository path");
    }
    Path current = root;
    for (String part : relative.split("/")) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException(relative + ": path components '', '.' and '..' are refused");
      }
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)) {
        throw new IllegalArgumentException(root.relativize(current) + ": is a symbolic link; links are refused");
      }
    }
    if (!current.normalize().startsWith(root)) {
      throw new IllegalArgumentException(relative + ": outside the repository");
    }
    return current;
  }

  /** The repository path of a file found by walking the checkout, with forward slashes. */
  public String relative(Path file) {
    return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  /** A regular file, not a link, read as UTF-8 text; at most {@code maxBytes}. */
  public String read(String relative, int maxBytes) throws IOException {
    Path file = resolve(relative);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(relative + ": not a regular file");
    }
    if (Files.size(file) > maxBytes) {
      throw new IOException(relative + ": larger than " + maxBytes + " bytes");
    }
    try {
      return TenantFileText.decode(relative, Files.readAllBytes(file));
    } catch (TenantYamlException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}

package io.caprovisioner.repotools;

import io.caprovisioner.render.RenderedTenant;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes rendered tenant files into a checkout of the gitops repository, the bytes exactly as the
 * service would commit them, never through a symbolic link.
 */
public final class CheckoutWriter {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CheckoutPaths paths;

  public CheckoutWriter(CheckoutPaths paths) {
    this.paths = paths;
  }

  /**
   * Writes those of {@code names} whose content differs; the repository paths written.
   *
   * @param names file names within the tenant's folder, e.g. {@code application.yaml}
   */
  public List<String> write(RenderedTenant rendered, Set<String> names) throws IOException {
    Path folder = paths.resolve(rendered.directory());
    Files.createDirectories(folder);
    List<String> written = new ArrayList<>();
    for (String name : names) {
      String relative = rendered.directory() + "/" + name;
      Path file = paths.resolve(relative);
      byte[] bytes = rendered.files().get(name).getBytes(StandardCharsets.UTF_8);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && java.util.Arrays.equals(Files.readAllBytes(file),
          bytes)) {
        continue;
      }
      Path tmp = writeTemp(folder, name, bytes);
      try {
        // a rename replaces a link at the target itself, never what it points to
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp); // only when the move did not happen; removes a link itself, not its target
      }
      written.add(relative);
    }
    return written;
  }

  /**
   * {@code bytes} in a new regular file next to the target, under a name nobody chose in advance,
   * created with O_CREAT|O_EXCL (CREATE_NEW): that fails on anything already there, a link
   * included, so nothing planted in the folder is ever written through. Ordinary permissions (the
   * umask), as {@code git checkout} would give.
   */
  private static Path writeTemp(Path folder, String name, byte[] bytes) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path tmp = folder.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
      OutputStream out;
      try {
        out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 9) {
          throw e;
        }
        continue;
      }
      try (out) {
        out.write(bytes);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      return tmp;
    }
  }
}

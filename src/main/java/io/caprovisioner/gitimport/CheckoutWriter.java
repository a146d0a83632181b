package io.caprovisioner.gitimport;

import io.caprovisioner.render.RenderedTenant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes rendered tenant files into a checkout of the gitops repository, the bytes exactly as the
 * service would commit them, never through a symbolic link.
 */
public final class CheckoutWriter {
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
      Path tmp = folder.resolve("." + name + ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      written.add(relative);
    }
    return written;
  }
}

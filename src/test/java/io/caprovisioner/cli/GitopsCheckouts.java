package io.caprovisioner.cli;

import io.caprovisioner.render.TemplateSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A working copy of a new gitops repository: the skeleton the service pushes first. */
public final class GitopsCheckouts {
  private GitopsCheckouts() {
  }

  public static Path skeleton(Path dir) {
    try {
      for (var file : TemplateSource.bundled().skeleton().entrySet()) {
        Path target = dir.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.write(target, file.getValue());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

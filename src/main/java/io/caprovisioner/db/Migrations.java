package io.caprovisioner.db;

import io.caprovisioner.config.DatabaseUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations (src/main/resources/db/migration), run at start and by {@code db migrate}.
 *
 * <p>At start Flyway only runs when a bundled migration is not yet applied: Flyway and the Jackson
 * it brings are about 1,050 classes, some 6 MB of a replica's memory for as long as it runs
 * (issue 18), to learn on almost every start that there is nothing to do. Whether there is is
 * read from Flyway's own history table. {@code db migrate} always runs Flyway, which also checks
 * every applied migration's checksum against the bundled file.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final String LOCATION = "db/migration";
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.+\\.sql");

  private Migrations() {
  }

  /** Blocking; returns how many migrations were applied now (none when every bundled one was). */
  public static int migrate(DatabaseUrl url) {
    Set<String> bundled = bundledVersions();
    Set<String> applied = appliedVersions(url);
    if (!bundled.isEmpty() && applied.containsAll(bundled)) {
      LOG.debug("database schema is current ({} migrations applied): Flyway not run", bundled.size());
      return 0;
    }
    return FlywayRun.migrate(url);
  }

  /** Blocking: Flyway's validation of every applied migration, then whatever is pending. */
  public static int migrateAndValidate(DatabaseUrl url) {
    return FlywayRun.migrate(url);
  }

  /**
   * The versions Flyway recorded as applied, or none when its table is missing or records a
   * failed migration (Flyway then says what to do). Any other error is left to Flyway to report.
   */
  static Set<String> appliedVersions(DatabaseUrl url) {
    try (Connection c = url.openJdbc(); Statement st = c.createStatement()) {
      Set<String> versions = new HashSet<>();
      boolean failed = false;
      try (ResultSet rows = st.executeQuery("SELECT version, success FROM flyway_schema_history "
          + "WHERE version IS NOT NULL")) {
        while (rows.next()) {
          failed |= !rows.getBoolean(2);
          versions.add(rows.getString(1));
        }
      }
      return failed ? Set.of() : versions;
    } catch (SQLException e) {
      return Set.of();
    }
  }

  /**
   * Versions of the migration files this build carries, as Flyway records them ("15" for V15__...);
   * none (so Flyway runs) when a file there is not a plain versioned migration, e.g. a repeatable one.
   */
  static Set<String> bundledVersions() {
    URL dir = Migrations.class.getClassLoader().getResource(LOCATION);
    if (dir == null) {
      return Set.of();
    }
    Set<String> versions = new TreeSet<>();
    for (String name : fileNames(dir)) {
      Matcher m = VERSIONED.matcher(name);
      if (!m.matches()) {
        return Set.of();
      }
      versions.add(m.group(1).replace('_', '.'));
    }
    return versions;
  }

  /** The files in the migrations folder, from the jar or (tests, an IDE) the classes directory. */
  private static List<String> fileNames(URL dir) {
    try {
      if (dir.getProtocol().equals("jar")) {
        JarURLConnection connection = (JarURLConnection) dir.openConnection();
        connection.setUseCaches(false); // a JarFile of its own, closed here, not one cached for the process
        try (JarFile jar = connection.getJarFile()) {
          String prefix = LOCATION + "/";
          return jar.stream().map(JarEntry::getName).filter(n -> n.startsWith(prefix) && n.length() > prefix.length())
              .map(n -> n.substring(prefix.length())).toList();
        }
      }
      try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
        return files.map(f -> f.getFileName().toString()).toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the bundled migrations in " + dir, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot list the bundled migrations in " + dir, e);
    }
  }

  /** Apart, so that Flyway's classes load only when this runs. */
  private static final class FlywayRun {
    static int migrate(DatabaseUrl url) {
      return org.flywaydb.core.Flyway.configure()
          .dataSource(url.jdbcUrl(), url.user(), url.password())
          .locations("classpath:" + LOCATION)
          .load()
          .migrate()
          .migrationsExecuted;
    }
  }
}

package io.caprovisioner.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Flyway runs at start only when a migration is pending; real PostgreSQL. */
class MigrationsTest {

  @Test
  void everyBundledMigrationIsCountedSoNoneCanBeSkipped() throws Exception {
    long files;
    try (Stream<Path> sql = Files.list(Path.of("src/main/resources/db/migration"))) {
      files = sql.filter(f -> f.toString().endsWith(".sql")).count();
    }
    assertThat(Migrations.bundledVersions()).hasSize((int) files).contains("1", "15");
  }

  @Test
  void aCurrentSchemaIsLeftAloneAndAPendingMigrationStillRuns() throws Exception {
    DatabaseUrl url = emptyDatabase("migrations_current");
    int all = Migrations.bundledVersions().size();
    assertThat(Migrations.migrate(url)).isEqualTo(all);
    assertThat(Migrations.migrate(url)).isZero();

    // a database one release behind (migrated up to V14): start applies the newest one
    DatabaseUrl behind = emptyDatabase("migrations_behind");
    org.flywaydb.core.Flyway.configure().dataSource(behind.jdbcUrl(), behind.user(), behind.password())
        .locations("classpath:db/migration").target("14").load().migrate();
    url = behind;
    assertThat(Migrations.appliedVersions(url)).doesNotContain("15");
    assertThat(Migrations.migrate(url)).isEqualTo(1);
    assertThat(Migrations.appliedVersions(url)).containsAll(Migrations.bundledVersions());
  }

  @Test
  void aFailedMigrationInTheHistoryIsLeftToFlywayToReport() throws Exception {
    DatabaseUrl url = TestPostgres.freshDatabase();
    Migrations.migrate(url);
    execute(url, "UPDATE flyway_schema_history SET success = false WHERE version = '15'");
    assertThatThrownBy(() -> Migrations.migrate(url)).hasMessageContaining("failed");
  }

  private static DatabaseUrl emptyDatabase(String name) throws Exception {
    try (Connection c = TestPostgres.server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return new DatabaseUrl("127.0.0.1", TestPostgres.server().getPort(), name, "postgres", null);
  }

  private static void execute(DatabaseUrl url, String... statements) throws Exception {
    try (Connection c = url.openJdbc(); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }
}

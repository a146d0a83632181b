package io.caprovisioner.db;

import io.caprovisioner.config.DatabaseUrl;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Versioned schema migrations (src/main/resources/db/migration), run at start and by {@code db migrate}. */
public final class Migrations {
  private Migrations() {
  }

  /** Blocking; returns how many migrations were applied now. */
  public static int migrate(DatabaseUrl url) {
    MigrateResult result = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    return result.migrationsExecuted;
  }
}

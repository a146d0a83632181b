package io.caprovisioner.app;

import io.caprovisioner.config.Config;
import io.caprovisioner.mysql.EmbeddedMariaDb;
import io.vertx.core.Vertx;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev mode's shared MySQL: with DATABASE_URL and DB_HOST both unset, an embedded MariaDB under
 * PROVISIONER_HOME/mysql, so that a tenant really gets its database on a laptop. Where there is no
 * MariaDB build for the platform (or the build did not leave one), none: mysql.create then waits
 * for DB_HOST and says so.
 */
final class DevMysql {
  private static final Logger LOG = LoggerFactory.getLogger(DevMysql.class);

  private DevMysql() {
  }

  /** Blocking; a failure to start stops the service's start, as the embedded PostgreSQL's does. */
  static Optional<EmbeddedMariaDb> startIfWanted(Config config, Vertx vertx) {
    if (!config.devMode() || config.mysql().host().isPresent()) {
      return Optional.empty();
    }
    if (!EmbeddedMariaDb.supported()) {
      LOG.warn("dev mode: no embedded MariaDB for {}/{} (the jar carries Linux x86-64 only); set DB_HOST to a MySQL "
          + "or MariaDB for tenant databases", System.getProperty("os.name"), System.getProperty("os.arch"));
      return Optional.empty();
    }
    if (!EmbeddedMariaDb.available()) {
      LOG.warn("dev mode: no MariaDB server build found (the local Maven repository has none; run the README's "
          + "build command on this machine); set DB_HOST to a MySQL or MariaDB for tenant databases");
      return Optional.empty();
    }
    return Optional.of(EmbeddedMariaDb.start(config.home().resolve("mysql"), vertx));
  }
}

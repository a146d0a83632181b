package io.caprovisioner.db;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Optional;

/**
 * The PostgreSQL the service runs on: DATABASE_URL, or in dev mode an embedded server under
 * PROVISIONER_HOME/pg. Opening it migrates the schema.
 */
public final class Database implements AutoCloseable {
  private final DatabaseUrl url;
  private final Optional<EmbeddedPostgresServer> embedded;

  private Database(DatabaseUrl url, Optional<EmbeddedPostgresServer> embedded) {
    this.url = url;
    this.embedded = embedded;
  }

  /** Blocking: starts the embedded server when needed and applies pending migrations. */
  public static Database open(Config config) {
    Optional<EmbeddedPostgresServer> embedded = config.postgres().url().isPresent() ? Optional.empty()
        : Optional.of(EmbeddedPostgresServer.start(config.postgres().embeddedDataDir()));
    DatabaseUrl url = config.postgres().url().orElseGet(() -> embedded.get().url());
    try {
      Migrations.migrate(url);
    } catch (RuntimeException e) {
      embedded.ifPresent(EmbeddedPostgresServer::close);
      throw e;
    }
    return new Database(url, embedded);
  }

  public DatabaseUrl url() {
    return url;
  }

  public Pool pool(Vertx vertx, int size) {
    return pool(vertx, url, size);
  }

  public static Pool pool(Vertx vertx, DatabaseUrl url, int size) {
    PgConnectOptions connect = connectOptions(url).setCachePreparedStatements(true);
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(size).setName("postgres")).connectingTo(connect).using(vertx).build();
  }

  /** PgConnectOptions for a dedicated connection, e.g. LISTEN. */
  public PgConnectOptions connectOptions() {
    return connectOptions(url);
  }

  static PgConnectOptions connectOptions(DatabaseUrl url) {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(url.host()).setPort(url.port()).setDatabase(url.database()).setUser(url.user())
        .setPassword(url.password() == null ? "" : url.password());
    if (url.sslMode() != null) {
      options.setSslMode(io.vertx.pgclient.SslMode.of(url.sslMode()));
      if (url.sslMode().equals("require") || url.sslMode().equals("prefer") || url.sslMode().equals("allow")) {
        // libpq semantics: these modes encrypt without verifying the server certificate
        options.getSslOptions().setTrustAll(true);
      }
    }
    return options;
  }

  @Override
  public void close() {
    embedded.ifPresent(EmbeddedPostgresServer::close);
  }
}

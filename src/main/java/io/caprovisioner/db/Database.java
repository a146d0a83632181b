package io.caprovisioner.db;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    return open(config, Duration.ZERO);
  }

  /**
   * The same, waiting up to {@code patience} for an external PostgreSQL that cannot be reached
   * yet (an outage, a database starting next to us), with backoff and a log line per try: a
   * replica that exits at once would crash-loop through the outage.
   */
  public static Database open(Config config, Duration patience) {
    Optional<EmbeddedPostgresServer> embedded = config.postgres().url().isPresent() ? Optional.empty()
        : Optional.of(EmbeddedPostgresServer.start(config.postgres().embeddedDataDir()));
    DatabaseUrl url = config.postgres().url().orElseGet(() -> embedded.get().url());
    long deadline = System.nanoTime() + patience.toNanos();
    Duration wait = Duration.ofSeconds(1);
    while (true) {
      try {
        Migrations.migrate(url);
        return new Database(url, embedded);
      } catch (RuntimeException e) {
        if (embedded.isPresent() || !unreachable(e) || System.nanoTime() + wait.toNanos() > deadline) {
          embedded.ifPresent(EmbeddedPostgresServer::close);
          throw e;
        }
        LOG.warn("PostgreSQL at {}:{} is not reachable yet ({}); trying again in {} s", url.host(), url.port(),
            rootMessage(e), wait.toSeconds());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
      }
    }
  }

  private static final Duration MAX_WAIT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** Nothing answered (refused, timed out, starting up): worth waiting for; a refusal of our login is not. */
  static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException
          || t instanceof java.net.UnknownHostException || t instanceof java.io.EOFException) {
        return true;
      }
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57P03"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  public DatabaseUrl url() {
    return url;
  }

  /** Far above any transaction of ours (milliseconds), far below a stalled replica's pause. */
  static final String IDLE_IN_TRANSACTION = "30000";
  static final String STATEMENT_TIMEOUT = "30000";

  public Pool pool(Vertx vertx, int size) {
    return pool(vertx, url, size);
  }

  /** A pool of its own under {@code name} (in metrics), e.g. capacity kept for one path. */
  public Pool pool(Vertx vertx, int size, String name) {
    return pool(vertx, url, size, name);
  }

  public static Pool pool(Vertx vertx, DatabaseUrl url, int size) {
    return pool(vertx, url, size, "postgres");
  }

  public static Pool pool(Vertx vertx, DatabaseUrl url, int size, String name) {
    PgConnectOptions connect = connectOptions(url).setCachePreparedStatements(true);
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(size).setName(name))
        .with(new io.vertx.core.net.NetClientOptions().setTcpKeepAlive(true))
        .connectingTo(connect).using(vertx).build();
  }

  /** PgConnectOptions for a dedicated connection, e.g. LISTEN. */
  public PgConnectOptions connectOptions() {
    return connectOptions(url);
  }

  static PgConnectOptions connectOptions(DatabaseUrl url) {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(url.host()).setPort(url.port()).setDatabase(url.database()).setUser(url.user())
        .setPassword(url.password() == null ? "" : url.password());
    // A replica that stalls or vanishes inside a transaction must not hold a tenant's row lock for
    // hours: the server ends such a transaction, and dead peers are noticed by TCP keepalives.
    options.addProperty("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION)
        .addProperty("statement_timeout", STATEMENT_TIMEOUT);
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

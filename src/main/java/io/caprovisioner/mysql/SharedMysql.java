package io.caprovisioner.mysql;

import io.caprovisioner.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Optional;

/**
 * The shared MySQL where tenant databases live (DB_HOST, DB_PORT, DB_USER, DB_PASSWORD), through
 * the non-blocking Vert.x client. Empty when DB_HOST is not set: the step then waits and says so.
 */
public final class SharedMysql implements AutoCloseable {
  private final Vertx vertx;
  private final Config.TenantMysql config;
  private Pool pool;

  public SharedMysql(Vertx vertx, Config.TenantMysql config) {
    this.vertx = vertx;
    this.config = config;
  }

  public boolean configured() {
    return config.host().isPresent();
  }

  public String where() {
    return config.host().orElse("?") + ":" + config.port();
  }

  /** The administrative pool; call only when {@link #configured()}. */
  public synchronized Pool admin() {
    if (pool == null) {
      pool = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(options(config.user(),
          config.password().orElse(""))).using(vertx).build();
    }
    return pool;
  }

  /** Whether {@code user} can log in with {@code password} (a wrong one is not an error here). */
  public Future<Boolean> canLogIn(String user, String password) {
    return MySQLConnection.connect(vertx, options(user, password))
        .compose(c -> c.close().map(true))
        .recover(e -> e instanceof DatabaseException ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  private MySQLConnectOptions options(String user, String password) {
    return new MySQLConnectOptions().setHost(config.host().orElse("localhost")).setPort(config.port())
        .setUser(user).setPassword(password).setCharset("utf8mb4");
  }

  /** For the shared MySQL's breaker: succeeds when the server answers at all (an SQL error is an answer). */
  public Future<Void> probe() {
    if (!configured()) {
      return Future.failedFuture(new IllegalStateException("DB_HOST is not set"));
    }
    return admin().query("SELECT 1").execute().<Void>mapEmpty()
        .recover(e -> unreachable(e) ? Future.failedFuture(e) : Future.succeededFuture());
  }

  /** True for "could not reach the server" (connect refused, DNS, timeout), as opposed to an SQL error. */
  public static boolean unreachable(Throwable e) {
    return !(e instanceof DatabaseException) && !(e instanceof IllegalArgumentException);
  }

  public Optional<Future<Void>> closeFuture() {
    synchronized (this) {
      return pool == null ? Optional.empty() : Optional.of(pool.close());
    }
  }

  @Override
  public void close() {
    closeFuture();
  }
}

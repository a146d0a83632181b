package io.caprovisioner.onboarding;

import io.caprovisioner.db.TenantRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.Optional;

/**
 * The typical time from payment to a ready site: the median over the most recent provisions,
 * read at most once a minute (it moves slowly, and every open welcome page asks for it).
 */
final class ProgressHistory {
  static final int RECENT = 50;
  private static final long REFRESH_NANOS = 60_000_000_000L;

  private final SqlClient sql;
  private final TenantRepository tenants = new TenantRepository();
  private volatile Optional<Duration> typical = Optional.empty();
  private volatile long readAt = Long.MIN_VALUE;
  private volatile Future<Optional<Duration>> inFlight;

  ProgressHistory(SqlClient sql) {
    this.sql = sql;
  }

  Future<Optional<Duration>> typical() {
    long now = System.nanoTime();
    if (readAt != Long.MIN_VALUE && now - readAt < REFRESH_NANOS) {
      return Future.succeededFuture(typical);
    }
    Future<Optional<Duration>> running = inFlight;
    if (running != null) {
      return running;
    }
    Future<Optional<Duration>> read = tenants.typicalProvisionTime(sql, RECENT).map(t -> {
      typical = t;
      readAt = System.nanoTime();
      return t;
    }).eventually(() -> {
      inFlight = null;
      return Future.succeededFuture();
    });
    inFlight = read;
    return read;
  }
}

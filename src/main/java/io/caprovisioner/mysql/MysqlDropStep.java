package io.caprovisioner.mysql;

import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.DependencyBreaker;
import io.caprovisioner.pipeline.GuardedStep;
import java.util.List;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import java.time.OffsetDateTime;

/** {@code mysql.drop}: after the retention period, the tenant's database and user go. */
public final class MysqlDropStep extends GuardedStep {
  private final SharedMysql mysql;
  private final TenantDatabase database;
  private final List<String> undoes;

  /** @param undoes the steps whose effect the drop removes (the database, and what was installed in it) */
  public MysqlDropStep(SharedMysql mysql, DependencyBreaker breaker, List<String> undoes) {
    super(breaker);
    this.mysql = mysql;
    this.database = new TenantDatabase(mysql);
    this.undoes = List.copyOf(undoes);
  }

  @Override
  public String name() {
    return "mysql.drop";
  }

  @Override
  public List<String> undoes() {
    return undoes;
  }

  @Override
  public Future<Outcome> run(ReconcileContext work, OffsetDateTime startedAt) {
    TenantNames names = work.tenant().names();
    try {
      MysqlNames.database(names.database());
      MysqlNames.account(names.dbUser());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (!mysql.configured()) {
      return notConfigured("DB_HOST is not set: no shared MySQL configured");
    }
    return unlessUnreachable(() -> database.drop(names.database(), names.dbUser())
        .map(dropped -> Outcome.done(dropped.isEmpty() ? "database and user already gone"
            : "dropped " + String.join(" and ", dropped))), SharedMysql::unreachable, () -> "MySQL at " + mysql.where());
  }
}

package io.caprovisioner.mysql;

import io.caprovisioner.jobs.Errors;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.jobs.TenantStep;
import io.caprovisioner.jobs.TenantWork;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;

/** {@code mysql.drop}: after the retention period, the tenant's database and user go. */
public final class MysqlDropStep implements TenantStep {
  private final SharedMysql mysql;
  private final TenantDatabase database;
  private final Duration retry;

  public MysqlDropStep(SharedMysql mysql, Duration retry) {
    this.mysql = mysql;
    this.database = new TenantDatabase(mysql);
    this.retry = retry;
  }

  @Override
  public String name() {
    return "mysql.drop";
  }

  @Override
  public Future<Outcome> run(TenantWork work, OffsetDateTime startedAt) {
    TenantNames names = work.tenant().names();
    try {
      MysqlNames.database(names.database());
      MysqlNames.account(names.dbUser());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (!mysql.configured()) {
      return Future.succeededFuture(Outcome.waitFor("DB_HOST is not set: no shared MySQL configured", retry));
    }
    return database.drop(names.database(), names.dbUser())
        .map(dropped -> Outcome.done(dropped.isEmpty() ? "database and user already gone"
            : "dropped " + String.join(" and ", dropped)))
        .recover(e -> SharedMysql.unreachable(e)
            ? Future.succeededFuture(Outcome.waitFor("MySQL at " + mysql.where() + " is unreachable: "
                + Errors.message(e), retry))
            : Future.failedFuture(e));
  }
}

package io.caprovisioner.mysql;

import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.jobs.TenantCredentials;
import io.caprovisioner.jobs.TenantStep;
import io.caprovisioner.jobs.TenantWork;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * {@code mysql.create}: the tenant's database {@code ca_<id>} (utf8mb4) and user {@code ca_<id>}
 * with rights on it only. The password is generated once and kept sealed in the tenant row, so
 * {@code k8s.prepare} can always re-create the Secret from it.
 */
public final class MysqlCreateStep implements TenantStep {
  public static final String NAME = "mysql.create";
  private final SharedMysql mysql;
  private final TenantDatabase database;
  private final TenantCredentials credentials;
  private final Duration retry;

  public MysqlCreateStep(SharedMysql mysql, TenantCredentials credentials, Duration retry) {
    this.mysql = mysql;
    this.database = new TenantDatabase(mysql);
    this.credentials = credentials;
    this.retry = retry;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Outcome> run(TenantWork work, OffsetDateTime startedAt) {
    TenantNames names = work.tenant().names();
    try {
      MysqlNames.database(names.database());
      MysqlNames.account(names.dbUser());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e); // refused before any SQL (or any waiting for MySQL)
    }
    if (!mysql.configured()) {
      return Future.succeededFuture(Outcome.waitFor("DB_HOST is not set: no shared MySQL configured", retry));
    }
    return credentials.databasePassword(work.pool(), work.tenant().id())
        .compose(password -> database.ensure(names.database(), names.dbUser(), password))
        .map(changes -> Outcome.done(changes.isEmpty()
            ? "database " + names.database() + " and user " + names.dbUser() + " already as desired"
            : String.join("; ", changes)))
        .recover(e -> SharedMysql.unreachable(e)
            ? Future.succeededFuture(Outcome.waitFor("MySQL at " + mysql.where() + " is unreachable: "
                + io.caprovisioner.jobs.Errors.message(e), retry))
            : Future.failedFuture(e));
  }
}

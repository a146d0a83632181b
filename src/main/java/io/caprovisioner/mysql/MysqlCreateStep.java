package io.caprovisioner.mysql;

import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.DependencyBreaker;
import io.caprovisioner.pipeline.TenantCredentials;
import io.caprovisioner.pipeline.GuardedStep;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import java.time.OffsetDateTime;

/**
 * {@code mysql.create}: the tenant's database {@code ca_<id>} (utf8mb4) and user {@code ca_<id>}
 * with rights on it only. The password is generated once and kept sealed in the tenant row, so
 * {@code k8s.prepare} can always re-create the Secret from it.
 */
public final class MysqlCreateStep extends GuardedStep {
  public static final String NAME = "mysql.create";
  private final SharedMysql mysql;
  private final TenantDatabase database;
  private final TenantCredentials credentials;

  /** @param breaker the shared MySQL's */
  public MysqlCreateStep(SharedMysql mysql, TenantCredentials credentials, DependencyBreaker breaker) {
    super(breaker);
    this.mysql = mysql;
    this.database = new TenantDatabase(mysql);
    this.credentials = credentials;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The database and account it makes; the same for the tenant's whole life. */
  @Override
  public String target(ReconcileContext work) {
    return work.tenant().names().database() + "/" + work.tenant().names().dbUser();
  }

  @Override
  public Future<Outcome> run(ReconcileContext work, OffsetDateTime startedAt) {
    TenantNames names = work.tenant().names();
    try {
      MysqlNames.database(names.database());
      MysqlNames.account(names.dbUser());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e); // refused before any SQL (or any waiting for MySQL)
    }
    if (!mysql.configured()) {
      return notConfigured("DB_HOST is not set: no shared MySQL configured");
    }
    return unlessUnreachable(() -> credentials.databasePassword(work.pool(), work.tenant().id())
        .compose(password -> database.ensure(names.database(), names.dbUser(), password))
        .map(changes -> Outcome.done(changes.isEmpty()
            ? "database " + names.database() + " and user " + names.dbUser() + " already as desired"
            : String.join("; ", changes))), SharedMysql::unreachable, () -> "MySQL at " + mysql.where());
  }
}

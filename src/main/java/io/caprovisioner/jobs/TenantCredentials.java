package io.caprovisioner.jobs;

import io.caprovisioner.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * The secrets kept for a tenant (MySQL password, CollectiveAccess admin password), sealed with
 * SECRET_KEY in the tenant row. A password is generated and stored before it is used anywhere,
 * atomically (first writer wins), so a crash or a second runner can never leave MySQL and the
 * Secret with different passwords.
 */
public final class TenantCredentials {
  private static final int PASSWORD_LENGTH = 32;
  private final SecretBox box;

  public TenantCredentials(SecretBox box) {
    this.box = box;
  }

  public Future<String> databasePassword(SqlClient sql, long tenantId) {
    return getOrCreate(sql, tenantId, "db_password_enc");
  }

  public Future<String> adminPassword(SqlClient sql, long tenantId) {
    return getOrCreate(sql, tenantId, "admin_password_enc");
  }

  /** The customer's e-mail (users.email): into the ca-admin Secret, never into git. */
  public Future<Optional<String>> email(SqlClient sql, long tenantId) {
    return sql.preparedQuery("SELECT u.email FROM tenants t JOIN users u ON u.id = t.user_id WHERE t.id = $1")
        .execute(Tuple.of(tenantId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  private Future<String> getOrCreate(SqlClient sql, long tenantId, String column) {
    String candidate = box.seal(SecretBox.randomPassword(PASSWORD_LENGTH));
    // column is one of two constants above, never input
    return sql.preparedQuery("UPDATE tenants SET " + column + " = coalesce(" + column + ", $2) WHERE id = $1 "
            + "RETURNING " + column)
        .execute(Tuple.of(tenantId, candidate))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new IllegalStateException("tenant " + tenantId + " no longer exists");
          }
          return box.open(rows.iterator().next().getString(0));
        });
  }
}

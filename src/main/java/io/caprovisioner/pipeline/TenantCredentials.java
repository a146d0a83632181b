package io.caprovisioner.pipeline;

import io.caprovisioner.crypto.SecretBox;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.db.TenantRepository.SealedColumn;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
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
  private final TenantRepository tenants = new TenantRepository();

  public TenantCredentials(SecretBox box) {
    this.box = box;
  }

  public Future<String> databasePassword(SqlClient sql, long tenantId) {
    return getOrCreate(sql, tenantId, SealedColumn.DB_PASSWORD);
  }

  public Future<String> adminPassword(SqlClient sql, long tenantId) {
    return getOrCreate(sql, tenantId, SealedColumn.ADMIN_PASSWORD);
  }

  /**
   * The administrator password of rotation {@code rotation} ({@code POST /admin/tenants/{id}/credentials}):
   * a new one, generated and stored before it is used anywhere, for every rotation after the first.
   */
  public Future<String> adminPasswordFor(SqlClient sql, long tenantId, int rotation) {
    if (rotation == 0) {
      return adminPassword(sql, tenantId);
    }
    String candidate = box.seal(SecretBox.randomPassword(PASSWORD_LENGTH));
    return tenants.sealedForRotation(sql, tenantId, rotation, candidate).map(box::open);
  }

  /** The customer's e-mail: into the ca-admin Secret, never into git. */
  public Future<Optional<String>> email(SqlClient sql, long tenantId) {
    return tenants.contactEmail(sql, tenantId);
  }

  private Future<String> getOrCreate(SqlClient sql, long tenantId, SealedColumn column) {
    String candidate = box.seal(SecretBox.randomPassword(PASSWORD_LENGTH));
    return tenants.sealedOrSet(sql, tenantId, column, candidate).map(box::open);
  }
}

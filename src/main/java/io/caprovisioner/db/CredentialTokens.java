package io.caprovisioner.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * {@code credential_tokens}: one-time links to a tenant's administrator password, kept only as
 * the SHA-256 of the token. A token is usable while it is neither used, revoked nor expired.
 */
public final class CredentialTokens {

  /** What a presented token is, without using it. */
  public enum State {
    USABLE, USED, EXPIRED, REVOKED, UNKNOWN
  }

  /** @param tenantId empty for an unknown token */
  public record Lookup(State state, Optional<Long> tenantId) {
  }

  /**
   * Stores a new token for a message, revoking the message's earlier unused ones (a retried or
   * resent message has only its newest link working).
   */
  public Future<Void> issue(SqlClient sql, long tenantId, long messageId, String sha256Hex, OffsetDateTime expiresAt) {
    return sql.preparedQuery("UPDATE credential_tokens SET revoked_at = now() WHERE message_id = $1 "
            + "AND used_at IS NULL AND revoked_at IS NULL").execute(Tuple.of(messageId))
        .compose(v -> sql.preparedQuery("INSERT INTO credential_tokens (token_sha256, tenant_id, message_id, "
                + "expires_at) VALUES ($1, $2, $3, $4)")
            .execute(Tuple.of(sha256Hex, tenantId, messageId, expiresAt)))
        .mapEmpty();
  }

  public Future<Lookup> lookup(SqlClient sql, String sha256Hex) {
    return sql.preparedQuery("SELECT tenant_id, used_at, revoked_at, expires_at <= now() AS expired "
            + "FROM credential_tokens WHERE token_sha256 = $1").execute(Tuple.of(sha256Hex))
        .map(rows -> rows.size() == 0 ? new Lookup(State.UNKNOWN, Optional.empty()) : lookup(rows.iterator().next()));
  }

  /**
   * Uses the token: the tenant when it was usable, then never again; empty otherwise. Concurrent
   * uses race on the row, and only one wins.
   */
  public Future<Optional<Long>> use(SqlClient sql, String sha256Hex) {
    return sql.preparedQuery("UPDATE credential_tokens SET used_at = now() WHERE token_sha256 = $1 "
            + "AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() RETURNING tenant_id")
        .execute(Tuple.of(sha256Hex))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /** After a new password: no older link may show anything. */
  public Future<Void> revokeAll(SqlClient sql, long tenantId) {
    return sql.preparedQuery("UPDATE credential_tokens SET revoked_at = now() WHERE tenant_id = $1 "
            + "AND used_at IS NULL AND revoked_at IS NULL").execute(Tuple.of(tenantId)).mapEmpty();
  }

  private static Lookup lookup(Row r) {
    Optional<Long> tenant = Optional.of(r.getLong("tenant_id"));
    if (r.getOffsetDateTime("used_at") != null) {
      return new Lookup(State.USED, tenant);
    }
    if (r.getOffsetDateTime("revoked_at") != null) {
      return new Lookup(State.REVOKED, tenant);
    }
    return new Lookup(Boolean.TRUE.equals(r.getBoolean("expired")) ? State.EXPIRED : State.USABLE, tenant);
  }
}

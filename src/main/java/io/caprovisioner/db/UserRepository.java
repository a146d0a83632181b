package io.caprovisioner.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Customers and staff contacts, one row per email (case-insensitive). */
public final class UserRepository {
  /** The user's id, inserting the email if it is new; safe under concurrent calls. */
  public Future<Long> findOrCreate(SqlClient sql, String email) {
    return sql.preparedQuery("INSERT INTO users (email) VALUES ($1) ON CONFLICT (lower(email)) "
            + "DO UPDATE SET updated_at = users.updated_at RETURNING id")
        .execute(Tuple.of(email.trim()))
        .map(rows -> rows.iterator().next().getLong("id"));
  }
}

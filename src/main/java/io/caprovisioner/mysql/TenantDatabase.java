package io.caprovisioner.mysql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One tenant's database and user on the shared MySQL, reconciled: each part is looked at first
 * and only created or corrected when it differs, so a second run changes nothing. The user gets
 * rights on its own database only: no global privilege, no GRANT OPTION.
 */
public final class TenantDatabase {
  /** What CollectiveAccess needs; any missing one means the grant is (re)issued. */
  private static final Set<String> REQUIRED = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP",
      "INDEX", "ALTER", "CREATE TEMPORARY TABLES", "LOCK TABLES");

  private final SharedMysql mysql;

  public TenantDatabase(SharedMysql mysql) {
    this.mysql = mysql;
  }

  /**
   * Makes database, user and grants match; returns what it changed (empty: nothing). Names and
   * password are checked before any SQL is sent.
   */
  public Future<List<String>> ensure(String database, String user, String password) {
    String db = MysqlNames.database(database);
    String account = MysqlNames.account(user);
    String secret = MysqlNames.password(password);
    Pool sql = mysql.admin();
    List<String> changes = new ArrayList<>();
    return ensureDatabase(sql, database, db, changes)
        .compose(v -> ensureUser(sql, user, account, secret, password, changes))
        .compose(v -> ensureGrants(sql, database, user, account, changes))
        .map(v -> changes);
  }

  private Future<Void> ensureDatabase(Pool sql, String name, String db, List<String> changes) {
    return sql.preparedQuery("SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")
        .execute(Tuple.of(name)).compose(rows -> {
          if (rows.size() == 0) {
            changes.add("created database " + name);
            return sql.query("CREATE DATABASE IF NOT EXISTS " + db + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
                .execute().mapEmpty();
          }
          if (!"utf8mb4".equalsIgnoreCase(rows.iterator().next().getString(0))) {
            changes.add("set database " + name + " to utf8mb4");
            return sql.query("ALTER DATABASE " + db + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").execute()
                .mapEmpty();
          }
          return Future.succeededFuture();
        });
  }

  private Future<Void> ensureUser(Pool sql, String user, String account, String secret, String password,
      List<String> changes) {
    return sql.preparedQuery("SELECT COUNT(*) FROM mysql.user WHERE User = ? AND Host = '%'").execute(Tuple.of(user))
        .compose(rows -> {
          if (rows.iterator().next().getLong(0) == 0) {
            changes.add("created user " + user);
            return sql.query("CREATE USER " + account + " IDENTIFIED BY " + secret).execute().mapEmpty();
          }
          // the stored password is the truth (the Secret is built from it): reset only if it no longer works
          return mysql.canLogIn(user, password).compose(ok -> {
            if (ok) {
              return Future.succeededFuture();
            }
            changes.add("reset the password of user " + user);
            return sql.query("ALTER USER " + account + " IDENTIFIED BY " + secret).execute().mapEmpty();
          });
        });
  }

  private Future<Void> ensureGrants(Pool sql, String database, String user, String account,
      List<String> changes) {
    String grantee = MysqlNames.grantee(user);
    String schema = MysqlNames.grantSchema(database);
    return extraPrivileges(sql, grantee, schema).compose(extras -> {
      Future<Void> revoke = Future.succeededFuture();
      if (!extras.isEmpty()) {
        changes.add("revoked privileges beyond database " + database + ": " + String.join(", ", extras));
        revoke = sql.query("REVOKE ALL PRIVILEGES, GRANT OPTION FROM " + account).execute().mapEmpty();
      }
      return revoke.compose(v -> sql.preparedQuery("SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES "
              + "WHERE GRANTEE = ? AND TABLE_SCHEMA = ?").execute(Tuple.of(grantee, schema)))
          .compose(rows -> {
            Set<String> have = new HashSet<>();
            rows.forEach(r -> have.add(r.getString(0).toUpperCase(Locale.ROOT)));
            if (!extras.isEmpty() || !have.containsAll(REQUIRED)) {
              changes.add("granted all privileges on " + database + " to " + user);
              return sql.query("GRANT ALL PRIVILEGES ON " + MysqlNames.grantTarget(database) + ".* TO " + account)
                  .execute().mapEmpty();
            }
            return Future.succeededFuture();
          });
    });
  }

  /**
   * Global rights, rights on other databases (an unescaped, wildcard grant included), tables or
   * columns, and any GRANT OPTION; {@code schema} is the escaped grant target.
   */
  private Future<List<String>> extraPrivileges(Pool sql, String grantee, String schema) {
    return sql.preparedQuery("SELECT CONCAT(PRIVILEGE_TYPE, ' ON *.*') FROM information_schema.USER_PRIVILEGES "
            + "WHERE GRANTEE = ? AND (PRIVILEGE_TYPE <> 'USAGE' OR IS_GRANTABLE = 'YES') "
            + "UNION ALL SELECT CONCAT(PRIVILEGE_TYPE, ' ON ', TABLE_SCHEMA, IF(IS_GRANTABLE = 'YES', ' WITH GRANT OPTION', '')) "
            + "FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND (TABLE_SCHEMA <> ? OR IS_GRANTABLE = 'YES') "
            + "UNION ALL SELECT CONCAT(PRIVILEGE_TYPE, ' ON ', TABLE_SCHEMA, '.', TABLE_NAME) "
            + "FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ? "
            + "UNION ALL SELECT CONCAT(PRIVILEGE_TYPE, ' ON ', TABLE_SCHEMA, '.', TABLE_NAME, '.', COLUMN_NAME) "
            + "FROM information_schema.COLUMN_PRIVILEGES WHERE GRANTEE = ?")
        .execute(Tuple.of(grantee, grantee, schema, grantee, grantee))
        .map(rows -> {
          List<String> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(r.getString(0));
          }
          return out;
        });
  }

  /** Drops the user and the database; returns what existed. Idempotent. */
  public Future<List<String>> drop(String database, String user) {
    String db = MysqlNames.database(database);
    String account = MysqlNames.account(user);
    Pool sql = mysql.admin();
    List<String> dropped = new ArrayList<>();
    return sql.preparedQuery("SELECT COUNT(*) FROM mysql.user WHERE User = ? AND Host = '%'").execute(Tuple.of(user))
        .compose(rows -> {
          if (rows.iterator().next().getLong(0) == 0) {
            return Future.succeededFuture();
          }
          dropped.add("user " + user);
          return sql.query("DROP USER IF EXISTS " + account).execute().mapEmpty();
        })
        .compose(v -> sql.preparedQuery("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")
            .execute(Tuple.of(database)))
        .compose(rows -> {
          if (rows.iterator().next().getLong(0) == 0) {
            return Future.succeededFuture();
          }
          dropped.add("database " + database);
          return sql.query("DROP DATABASE IF EXISTS " + db).execute().mapEmpty();
        })
        .map(v -> dropped);
  }
}

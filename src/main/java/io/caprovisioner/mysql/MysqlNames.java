package io.caprovisioner.mysql;

import java.util.regex.Pattern;

/**
 * Identifiers and passwords checked against strict patterns before they go anywhere near SQL,
 * then quoted. MySQL cannot take identifiers (or CREATE USER passwords) as bound parameters, so
 * this is the one place that makes them safe; anything unexpected is refused, not escaped.
 */
public final class MysqlNames {
  private static final Pattern DATABASE = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");
  private static final Pattern USER = Pattern.compile("^[a-z][a-z0-9_]{0,31}$");
  private static final Pattern PASSWORD = Pattern.compile("^[A-Za-z0-9]{16,64}$");

  private MysqlNames() {
  }

  /** {@code `name`}, after checking it. */
  public static String database(String name) {
    require(DATABASE, name, "database name");
    return "`" + name + "`";
  }

  /**
   * The database as a GRANT target names it: in {@code GRANT ... ON db.*} MySQL and MariaDB read
   * {@code _} (and {@code %}) as wildcards even inside backticks, so {@code ca_city_museum} would
   * also grant {@code ca_cityamuseum}. Escaped, the grant covers exactly this one database. This is
   * also how information_schema.SCHEMA_PRIVILEGES spells it.
   */
  public static String grantSchema(String name) {
    require(DATABASE, name, "database name");
    return name.replace("_", "\\_");
  }

  /** {@code `name`} with wildcards escaped, for {@code GRANT ... ON <this>.*}. */
  public static String grantTarget(String name) {
    return "`" + grantSchema(name) + "`";
  }

  /** {@code 'name'@'%'}, after checking it. */
  public static String account(String user) {
    require(USER, user, "user name");
    return "'" + user + "'@'%'";
  }

  /** The grantee as information_schema spells it: {@code 'name'@'%'}. */
  public static String grantee(String user) {
    return account(user);
  }

  /** {@code 'password'}, after checking it holds only letters and digits. */
  public static String password(String password) {
    if (password == null || !PASSWORD.matcher(password).matches()) {
      // never echo the value: it is a secret
      throw new IllegalArgumentException("refusing a MySQL password outside [A-Za-z0-9]{16,64}");
    }
    return "'" + password + "'";
  }

  private static void require(Pattern p, String value, String what) {
    if (value == null || !p.matcher(value).matches()) {
      throw new IllegalArgumentException("refusing MySQL " + what + " '" + value + "': it must match " + p.pattern());
    }
  }
}

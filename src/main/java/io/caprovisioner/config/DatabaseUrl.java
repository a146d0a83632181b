package io.caprovisioner.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * DATABASE_URL in the form {@code postgresql://user:pass@host:port/db[?sslmode=require]} (also
 * {@code postgres://} and {@code jdbc:postgresql://}).
 *
 * @param sslMode libpq's sslmode ({@code disable}, {@code prefer}, {@code require}, {@code verify-ca},
 *                {@code verify-full}); null: the driver's default
 */
public record DatabaseUrl(String host, int port, String database, String user, String password, String sslMode) {
  private static final java.util.Set<String> SSL_MODES = java.util.Set.of("disable", "allow", "prefer", "require",
      "verify-ca", "verify-full");

  public DatabaseUrl(String host, int port, String database, String user, String password) {
    this(host, port, database, user, password, null);
  }

  public static DatabaseUrl parse(String value) {
    String raw = value.trim();
    if (raw.startsWith("jdbc:")) {
      raw = raw.substring(5);
    }
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw new ConfigException("DATABASE_URL is not a URL of the form postgresql://user:pass@host:port/db");
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new ConfigException("DATABASE_URL must start with postgresql:// (got scheme " + scheme + ")");
    }
    if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      throw new ConfigException("DATABASE_URL needs a host and a database: postgresql://user:pass@host:port/db");
    }
    String user = "postgres";
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    String sslMode = null;
    if (uri.getRawQuery() != null) {
      for (String param : uri.getRawQuery().split("&")) {
        int eq = param.indexOf('=');
        String key = eq < 0 ? param : param.substring(0, eq);
        String mode = eq < 0 ? "" : decode(param.substring(eq + 1));
        if (key.equals("sslmode")) {
          if (!SSL_MODES.contains(mode)) {
            throw new ConfigException("DATABASE_URL: sslmode must be one of " + SSL_MODES + ", not '" + mode + "'");
          }
          sslMode = mode;
        } else {
          throw new ConfigException("DATABASE_URL: unsupported parameter '" + key + "' (only sslmode is read)");
        }
      }
    }
    return new DatabaseUrl(uri.getHost(), port, uri.getPath().substring(1), user, password, sslMode);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + (sslMode == null ? "" : "?sslmode=" + sslMode);
  }

  /** A plain JDBC connection (migrations, the bench's server settings); the service itself uses its pools. */
  public java.sql.Connection openJdbc() throws java.sql.SQLException {
    return java.sql.DriverManager.getConnection(jdbcUrl(), user, password == null ? "" : password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + ":***@" + host + ":" + port + "/" + database
        + (sslMode == null ? "" : "?sslmode=" + sslMode);
  }
}

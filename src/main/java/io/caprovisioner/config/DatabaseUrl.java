package io.caprovisioner.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * DATABASE_URL in the form {@code postgresql://user:pass@host:port/db} (also {@code postgres://}
 * and {@code jdbc:postgresql://}).
 */
public record DatabaseUrl(String host, int port, String database, String user, String password) {

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
    return new DatabaseUrl(uri.getHost(), port, uri.getPath().substring(1), user, password);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + ":***@" + host + ":" + port + "/" + database;
  }
}

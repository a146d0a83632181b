package io.caprovisioner.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * SMTP_URL: {@code smtp://user:pass@host:587?starttls=required} (STARTTLS; {@code required} by
 * default, {@code optional} or {@code disabled} for a relay without TLS) or
 * {@code smtps://user:pass@host:465} (TLS from the first byte). User and password are
 * percent-decoded; without them no login is tried.
 */
public record SmtpUrl(String host, int port, Security security, Optional<String> username,
    Optional<String> password) {

  /** How the connection is protected. */
  public enum Security {
    /** TLS from the start (smtps). */
    TLS,
    STARTTLS_REQUIRED,
    STARTTLS_OPTIONAL,
    /** Plain text: only for a relay on a trusted network (and tests). */
    NONE
  }

  public static SmtpUrl parse(String value) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException("SMTP_URL is not a URL of the form smtp://user:pass@host:587?starttls=required");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
      throw new ConfigException("SMTP_URL must start with smtp:// or smtps://, not '" + scheme + "://'");
    }
    if (uri.getHost() == null) {
      throw new ConfigException("SMTP_URL needs a host: smtp://user:pass@host:587");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw new ConfigException("SMTP_URL takes no path");
    }
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon))).filter(s -> !s.isEmpty());
      password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
    }
    boolean smtps = scheme.equals("smtps");
    Security security = smtps ? Security.TLS : Security.STARTTLS_REQUIRED;
    if (uri.getRawQuery() != null) {
      for (String param : uri.getRawQuery().split("&")) {
        int eq = param.indexOf('=');
        String key = eq < 0 ? param : param.substring(0, eq);
        String v = eq < 0 ? "" : decode(param.substring(eq + 1)).toLowerCase(Locale.ROOT);
        if (!key.equals("starttls") || smtps) {
          throw new ConfigException("SMTP_URL: unsupported parameter '" + key + "' (smtp:// reads only starttls)");
        }
        security = switch (v) {
          case "required" -> Security.STARTTLS_REQUIRED;
          case "optional" -> Security.STARTTLS_OPTIONAL;
          case "disabled" -> Security.NONE;
          default -> throw new ConfigException("SMTP_URL: starttls must be required, optional or disabled, not '"
              + v + "'");
        };
      }
    }
    int port = uri.getPort() > 0 ? uri.getPort() : smtps ? 465 : 587;
    return new SmtpUrl(uri.getHost(), port, security, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return (security == Security.TLS ? "smtps://" : "smtp://") + username.map(u -> u + ":***@").orElse("") + host
        + ":" + port + " (" + security + ")";
  }
}

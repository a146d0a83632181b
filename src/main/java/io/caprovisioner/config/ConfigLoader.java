package io.caprovisioner.config;

import io.caprovisioner.tenant.PlanCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the one {@link Config} from environment variables. Dev mode (DATABASE_URL unset) fills
 * missing secrets with values generated once and kept under PROVISIONER_HOME/secrets; otherwise a
 * missing or weak secret is a refusal to start, naming the variable.
 */
public final class ConfigLoader {
  static final int MIN_TOKEN_LENGTH = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> env;
  /** Offline tools: no database, no secrets read or generated, nothing written anywhere. */
  private final boolean offline;

  private ConfigLoader(Map<String, String> env, boolean offline) {
    this.env = env;
    this.offline = offline;
  }

  public static Config fromEnvironment() {
    return load(System.getenv());
  }

  public static Config load(Map<String, String> env) {
    return new ConfigLoader(env, false).build();
  }

  /**
   * For the offline tools ({@code tenant new}, {@code tenant render}, {@code validate}) run in a
   * clone of the gitops repo or in CI: the same rendering settings as {@link #load} (BASE_DOMAIN,
   * chart, flavor, plans, image, issuer, templates), so staff and service render byte-identical
   * files from the same environment; but DATABASE_URL and every secret are ignored, and nothing
   * is generated into PROVISIONER_HOME or the current directory. The secrets in the result are
   * throw-away random values held in memory only: such a Config must never start the service.
   */
  public static Config loadForOfflineTools(Map<String, String> env) {
    return new ConfigLoader(env, true).build();
  }

  private Config build() {
    Path home = Path.of(get("PROVISIONER_HOME").orElse("./var")).toAbsolutePath().normalize();
    Optional<DatabaseUrl> dbUrl = offline ? Optional.empty() : get("DATABASE_URL").map(DatabaseUrl::parse);
    boolean dev = dbUrl.isEmpty() && !offline;

    Optional<Path> adminTokenFile = Optional.empty();
    String adminToken = offline ? randomHex(32) : get("ADMIN_API_TOKEN").orElse(null);
    if (adminToken == null && dev) {
      adminTokenFile = Optional.of(home.resolve("secrets/admin-api-token"));
      adminToken = devSecret(adminTokenFile.get(), () -> randomHex(32));
    }
    requireStrong("ADMIN_API_TOKEN", adminToken, MIN_TOKEN_LENGTH);

    String secretKey = offline ? randomHex(32) : get("SECRET_KEY").orElse(null);
    if (secretKey == null && dev) {
      secretKey = devSecret(home.resolve("secrets/secret-key"), () -> randomHex(32));
    }
    secretKey = secretKeys(secretKey);

    String webhook = offline ? "whsec_" + randomHex(24) : get("STRIPE_WEBHOOK_SECRET").orElse(null);
    if (webhook == null && dev) {
      webhook = devSecret(home.resolve("secrets/stripe-webhook-secret"), () -> "whsec_" + randomHex(24));
    }
    if (webhook == null) {
      throw new ConfigException("STRIPE_WEBHOOK_SECRET is not set (comma-separated whsec_... values)");
    }
    List<String> webhookSecrets = Arrays.stream(webhook.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .toList();
    for (String s : webhookSecrets) {
      if (!s.startsWith("whsec_") || s.length() < 16
          || s.substring("whsec_".length()).chars().distinct().count() < MIN_DISTINCT_WEBHOOK_CHARACTERS) {
        throw new ConfigException("STRIPE_WEBHOOK_SECRET is malformed or too weak: each secret must look like "
            + "whsec_... (16+ characters, as Stripe shows it: random, not repeated)");
      }
    }
    if (webhookSecrets.isEmpty()) {
      throw new ConfigException("STRIPE_WEBHOOK_SECRET is empty");
    }

    Optional<Boolean> livemode = get("STRIPE_LIVEMODE").map(v -> bool("STRIPE_LIVEMODE", v));
    Config.Stripe stripe = new Config.Stripe(webhookSecrets, get("STRIPE_SECRET_KEY"), get("STRIPE_API_BASE"),
        livemode, integer("STRIPE_PAYLOAD_RETENTION_DAYS", 30, 0, 3650));

    GitopsFlavor flavor;
    try {
      flavor = GitopsFlavor.fromWire(get("GITOPS_FLAVOR").orElse("argocd"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    get("GITOPS_REPO_URL").ifPresent(ConfigLoader::refuseCredentialsInUrl);
    Config.Gitops gitops = new Config.Gitops(get("GITOPS_REPO_URL"), get("GITOPS_BRANCH").orElse("main"), flavor,
        get("GITOPS_TEMPLATE_DIR").map(Path::of), get("GIT_USERNAME"), get("GIT_TOKEN"),
        get("GIT_SSH_KEY_FILE").map(Path::of), get("GIT_SSH_KNOWN_HOSTS").map(Path::of),
        Duration.ofSeconds(integer("GITOPS_POLL_INTERVAL", 30, 1, 86_400)), get("GIT_WEBHOOK_TOKEN"),
        get("ARGOCD_NAMESPACE").orElse("argocd"),
        integer("GITOPS_MAX_DELETIONS", Config.Gitops.DEFAULT_MAX_DELETIONS, 0, 100_000),
        get("GITOPS_WEB_URL").map(ConfigLoader::webUrl),
        Duration.ofSeconds(integer("GITOPS_TIMEOUT", (int) Config.Gitops.DEFAULT_TIMEOUT.toSeconds(), 1, 600)));

    Config.Chart chart = new Config.Chart(
        get("HELM_CHART_REPO").orElse("https://charts.caprovisioner.io"),
        get("HELM_CHART_NAME").orElse("collectiveaccess"),
        get("HELM_CHART_VERSION").orElse("0.1.0"),
        get("HELM_CHART_PATH"));

    Config.TenantMysql mysql = new Config.TenantMysql(get("DB_HOST"), integer("DB_PORT", 3306, 1, 65535),
        get("DB_USER").orElse("root"), get("DB_PASSWORD"));

    Config.Tenants tenants = new Config.Tenants(
        get("BASE_DOMAIN").orElse("collectiveaccess.localhost").toLowerCase(Locale.ROOT),
        get("CA_DOCKER_IMAGE").orElse("ghcr.io/caprovisioner/providence:2.0.10"),
        get("CA_CERT_ISSUER").orElse("letsencrypt-prod"),
        integer("TENANT_RETENTION_DAYS", 30, 0, 3650));

    PlanCatalog plans = get("PLANS_FILE").map(f -> PlansFile.read(Path.of(f))).orElse(PlanCatalog.defaults());
    Optional<String> pricePlans = get("STRIPE_PRICE_PLANS");
    if (pricePlans.isPresent()) {
      try {
        plans = plans.withPrices(pricePairs(pricePlans.get()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("STRIPE_PRICE_PLANS: " + e.getMessage());
      }
    }

    int port = integer("PORT", 8000, 0, 65535);
    Config.Brand brand = new Config.Brand(publicUrl(port), get("BRAND_NAME").orElse("CollectiveAccess Cloud"),
        get("SUPPORT_EMAIL").map(this::supportEmail).orElse("support@" + tenants.baseDomain()));

    boolean testPayments = get("SIGNUP_TEST_PAYMENTS").map(v -> bool("SIGNUP_TEST_PAYMENTS", v))
        .orElse(dev && stripe.secretKey().isEmpty());
    if (testPayments && stripe.secretKey().isPresent()) {
      throw new ConfigException("SIGNUP_TEST_PAYMENTS=true and STRIPE_SECRET_KEY are both set: with a key, "
          + "customers pay through Stripe Checkout; unset one of them");
    }
    Config.Signup signup = new Config.Signup(testPayments, integer("SIGNUP_RATE_LIMIT", 120, 1, 1_000_000));

    return new Config(home, dev, new Config.Http(port),
        new Config.Postgres(dbUrl, home.resolve("pg")),
        new Config.Secrets(adminToken, secretKey, adminTokenFile), stripe, gitops, chart, mysql,
        new Config.Kubernetes(get("KUBERNETES_IN_CLUSTER").map(v -> bool("KUBERNETES_IN_CLUSTER", v)).orElse(false)),
        new Config.Jobs(integer("JOB_WORKERS", 4, 0, 256)), tenants, plans, brand, signup, mail(home, brand, tenants),
        operations(port), backups());
  }

  private Config.Backups backups() {
    Optional<String> endpoint = get("BACKUP_S3_ENDPOINT");
    endpoint.ifPresent(e -> {
      if (!e.matches("https?://[^/@?#\\s]+")) {
        throw new ConfigException("BACKUP_S3_ENDPOINT must be http(s)://host[:port] without credentials or a "
            + "path, not '" + e + "' (the bucket is BACKUP_S3_BUCKET)");
      }
    });
    Optional<String> bucket = get("BACKUP_S3_BUCKET");
    bucket.ifPresent(b -> {
      if (!b.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new ConfigException("BACKUP_S3_BUCKET must be an S3 bucket name (3-63 lower-case letters, digits, "
            + "dots, hyphens), not '" + b + "'");
      }
    });
    return new Config.Backups(endpoint, bucket, get("BACKUP_S3_REGION").orElse("us-east-1"),
        get("BACKUP_S3_ACCESS_KEY_ID"), get("BACKUP_S3_SECRET_ACCESS_KEY"),
        get("BACKUP_IMAGE").orElse("docker.io/library/mariadb:11.4"), integer("BACKUP_FINAL_DAYS", 90, 0, 3650),
        Duration.ofMinutes(integer("BACKUP_JOB_TIMEOUT_MINUTES", 120, 1, 24 * 60)));
  }

  /**
   * GitHub documents {@code https://<token>@github.com/...}; such a token would then appear in
   * every message that names the remote. Refused, without echoing it; SSH users (git@) are fine.
   */
  private static void refuseCredentialsInUrl(String url) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(https?)://([^/@]*)@(.*)$",
        java.util.regex.Pattern.CASE_INSENSITIVE).matcher(url);
    if (m.matches()) {
      throw new ConfigException("GITOPS_REPO_URL must not carry credentials (" + m.group(1) + "://***@" + m.group(3)
          + "): set the token in GIT_TOKEN (and the user, if not x-access-token, in GIT_USERNAME)");
    }
  }

  private Config.Mail mail(Path home, Config.Brand brand, Config.Tenants tenants) {
    String from = get("MAIL_FROM").orElse(brand.name().replaceAll("[\"<>\\r\\n]", "") + " <noreply@"
        + tenants.baseDomain() + ">");
    if (!from.matches("[^<>@\\s]+@[^<>@\\s]+\\.[^<>@\\s]+|[^<>\\r\\n]*<[^<>@\\s]+@[^<>@\\s]+\\.[^<>@\\s]+>")) {
      throw new ConfigException("MAIL_FROM must be an address or Name <address>, not '" + from + "'");
    }
    return new Config.Mail(get("SMTP_URL").map(SmtpUrl::parse), from, get("MAIL_TEMPLATE_DIR").map(Path::of),
        integer("CREDENTIALS_LINK_HOURS", 72, 1, 24 * 90), home.resolve("outbox"));
  }

  private Config.Operations operations(int port) {
    int management = integer("MANAGEMENT_PORT", 9464, 0, 65535);
    if (management != 0 && management == port) {
      throw new ConfigException("MANAGEMENT_PORT must differ from PORT (" + port + "): /metrics stays off the public port");
    }
    // exactly as logback.xml names its appenders: logback reads the variable itself, case and all
    String format = get("LOG_FORMAT").orElse("plain");
    Config.LogFormat logFormat = switch (format) {
      case "plain" -> Config.LogFormat.PLAIN;
      case "json" -> Config.LogFormat.JSON;
      default -> throw new ConfigException("LOG_FORMAT must be plain or json (lower case), not '" + format + "'");
    };
    return new Config.Operations(management, Duration.ofSeconds(integer("DRAIN_DELAY_SECONDS", 5, 0, 600)),
        logFormat);
  }

  /** PUBLIC_URL: http(s), no credentials, no query; default: this machine on PORT (dev). */
  private String publicUrl(int port) {
    Optional<String> v = get("PUBLIC_URL");
    if (v.isEmpty()) {
      return "http://localhost:" + port;
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(v.get());
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("PUBLIC_URL is not a URL: " + e.getMessage());
    }
    if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
      throw new ConfigException("PUBLIC_URL must be an http(s) URL with a host and no credentials, query or "
          + "fragment, e.g. https://signup.example.org");
    }
    String text = uri.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  private String supportEmail(String value) {
    if (!io.caprovisioner.tenant.ContactRules.isEmail(value)) {
      throw new ConfigException("SUPPORT_EMAIL must be an email address, not '" + value + "'");
    }
    return value;
  }

  private Optional<String> get(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  private int integer(String name, int fallback, int min, int max) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n < min || n > max) {
        throw new ConfigException(name + " must be between " + min + " and " + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a whole number, not '" + v.get() + "'");
    }
  }

  private static boolean bool(String name, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new ConfigException(name + " must be true or false, not '" + v + "'");
    };
  }

  /** It ends up in every Application: a typo or a token in it would be committed everywhere. */
  static String webUrl(String value) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("GITOPS_WEB_URL is not a URL: " + e.getMessage());
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException("GITOPS_WEB_URL must be an http(s) URL without credentials, query or fragment, "
          + "e.g. https://github.com/example/ca-gitops/tree/main");
    }
    return value.replaceAll("/+$", "");
  }

  static Map<String, String> pricePairs(String value) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : value.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new IllegalArgumentException("expected price_id=plan pairs separated by commas, got '" + pair + "'");
      }
      out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return out;
  }

  /**
   * SECRET_KEY may list several keys for a rotation (the first seals, all open); each must be
   * strong on its own. A comma therefore separates keys and is never part of one.
   */
  private static String secretKeys(String value) {
    requireStrong("SECRET_KEY", value, MIN_TOKEN_LENGTH);
    List<String> keys = Arrays.stream(value.split(",")).map(String::trim).toList();
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).length() < MIN_TOKEN_LENGTH || keys.get(i).chars().distinct().count() < MIN_DISTINCT_CHARACTERS) {
        throw new ConfigException("SECRET_KEY: key " + (i + 1) + " of " + keys.size() + " is "
            + (keys.get(i).isEmpty() ? "empty" : "too weak") + ": use at least " + MIN_TOKEN_LENGTH
            + " random characters per key, comma-separated, the sealing key first");
      }
    }
    return String.join(",", keys);
  }

  private static void requireStrong(String name, String value, int minLength) {
    if (value == null) {
      throw new ConfigException(name + " is not set (required when DATABASE_URL is set)");
    }
    if (value.length() < minLength) {
      throw new ConfigException(name + " is too weak: use at least " + minLength + " random characters");
    }
    requireVaried(name, value);
  }

  /** Random characters of a 32+ character secret repeat little; 32 times "a" is not a secret. */
  static final int MIN_DISTINCT_CHARACTERS = 10;
  /** Stripe's own secrets are long and random; shorter hand-made test ones still vary this much. */
  static final int MIN_DISTINCT_WEBHOOK_CHARACTERS = 8;

  private static void requireVaried(String name, String value) {
    if (value.chars().distinct().count() < MIN_DISTINCT_CHARACTERS) {
      throw new ConfigException(name + " is too weak: it repeats too few characters (fewer than "
          + MIN_DISTINCT_CHARACTERS + " different ones); use random characters, e.g. openssl rand -hex 32");
    }
  }

  /** Reads a generated dev secret, creating it (owner-only permissions) on first use. */
  private static String devSecret(Path file, java.util.function.Supplier<String> generator) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(file.getParent());
      String value = generator.get();
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the directory's permissions apply
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return value;
    } catch (IOException e) {
      throw new ConfigException("cannot keep a generated dev secret in " + file + ": " + e.getMessage());
    }
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}

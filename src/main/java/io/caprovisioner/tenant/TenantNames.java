package io.caprovisioner.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Every name a tenant has, derived from its one short id (generated, or a staff-chosen slug).
 * This is the only place names are derived; once created they are stored and read back, never
 * recomputed differently.
 *
 * @param id          the short id or slug, e.g. {@code ab12cd34} or {@code city-museum}
 * @param namespace   Kubernetes namespace, also the Helm release and Argo CD Application name
 * @param database    MySQL database
 * @param dbUser      MySQL user (MySQL limits user names to 32 characters)
 * @param appName     CollectiveAccess {@code __CA_APP_NAME__}: letters, digits and underscore
 * @param domain      public host name of the site
 */
public record TenantNames(String id, String namespace, String database, String dbUser, String appName,
    String domain) {

  /** Generated ids: lowercase RFC 4648 base32 (no 0/1/8/9 to confuse with letters). */
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  public static final int GENERATED_ID_LENGTH = 8;
  private static final Pattern GENERATED = Pattern.compile("^[a-z2-7]{" + GENERATED_ID_LENGTH + "}$");
  public static final Pattern SLUG = Pattern.compile("^[a-z][a-z0-9-]{2,30}$");
  private static final Pattern DNS_NAME = Pattern.compile(
      "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");
  public static final String PREFIX = "tenant-";
  public static final int HELM_RELEASE_MAX = 53;
  public static final int MYSQL_USER_MAX = 32;
  public static final int MYSQL_DATABASE_MAX = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  public static String generateId() {
    char[] out = new char[GENERATED_ID_LENGTH];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    // a generated id always starts with a letter so it is also a valid slug
    if (Character.isDigit(out[0])) {
      out[0] = ALPHABET[RANDOM.nextInt(26)];
    }
    return new String(out);
  }

  /** Names for a generated id or a slug under {@code baseDomain}. */
  public static TenantNames of(String id, String baseDomain) {
    if (id == null || !(GENERATED.matcher(id).matches() || SLUG.matcher(id).matches()) || id.endsWith("-")) {
      throw new IllegalArgumentException("tenant name must match " + SLUG.pattern()
          + " and not end with '-': " + id);
    }
    if (baseDomain == null || !DNS_NAME.matcher(baseDomain).matches()) {
      throw new IllegalArgumentException("BASE_DOMAIN is not a DNS name: " + baseDomain);
    }
    String namespace = PREFIX + id;
    String underscored = id.replace('-', '_');
    String database = "ca_" + underscored;
    String user = database.length() <= MYSQL_USER_MAX ? database
        // keep long slugs unique within MySQL's 32-character user names
        : database.substring(0, 20) + "_" + sha256Hex(id).substring(0, 11);
    String domain = namespace + "." + baseDomain;
    if (domain.length() > 253) {
      throw new IllegalArgumentException("domain would be longer than 253 characters: " + domain);
    }
    return new TenantNames(id, namespace, database, user, database, domain);
  }

  /** The Helm release has the namespace's name. */
  public String helmRelease() {
    return namespace;
  }

  /** The Argo CD Application has the namespace's name. */
  public String application() {
    return namespace;
  }

  /** Folder shard in the gitops repo: the first two hex chars of sha256(namespace). */
  public String shard() {
    return shardOf(namespace);
  }

  public static String shardOf(String namespace) {
    return sha256Hex(namespace).substring(0, 2);
  }

  /** The root of every tenant folder in the gitops repository. */
  public static final String TENANTS_ROOT = "tenants";

  /** The tenant's folder in the gitops repo: {@code tenants/<shard>/<namespace>}. */
  public String folder() {
    return folderOf(namespace);
  }

  public static String folderOf(String namespace) {
    return TENANTS_ROOT + "/" + shardOf(namespace) + "/" + namespace;
  }

  public static boolean isValidSlug(String slug) {
    return slug != null && SLUG.matcher(slug).matches() && !slug.endsWith("-");
  }

  static String sha256Hex(String value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

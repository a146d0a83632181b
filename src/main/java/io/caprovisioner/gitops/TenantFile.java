package io.caprovisioner.gitops;

import java.util.Optional;

/**
 * A tenant.yaml at the branch tip: its path ({@code tenants/<shard>/<namespace>/tenant.yaml}) and
 * text, or why it could not be read as text (too large, not UTF-8, not a regular file).
 */
public record TenantFile(String path, String text, Optional<String> unreadable) {
  public static TenantFile readable(String path, String text) {
    return new TenantFile(path, text, Optional.empty());
  }

  public static TenantFile unreadable(String path, String why) {
    return new TenantFile(path, "", Optional.of(why));
  }

  /** The folder name, which is the tenant's namespace. */
  public String namespace() {
    String[] parts = path.split("/");
    return parts[parts.length - 2];
  }
}

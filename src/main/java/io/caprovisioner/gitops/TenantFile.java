package io.caprovisioner.gitops;

/** A tenant.yaml at the branch tip: its path ({@code tenants/<shard>/<namespace>/tenant.yaml}) and text. */
public record TenantFile(String path, String text) {
  /** The folder name, which is the tenant's namespace. */
  public String namespace() {
    String[] parts = path.split("/");
    return parts[parts.length - 2];
  }
}

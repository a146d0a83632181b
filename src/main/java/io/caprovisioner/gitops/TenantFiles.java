package io.caprovisioner.gitops;

import java.util.List;
import java.util.Optional;

/**
 * Every tenant.yaml of the branch tip, sorted by path.
 *
 * @param commit the tip they were read from; empty when the repository has no commit yet
 */
public record TenantFiles(Optional<String> commit, List<TenantFile> files) {
  public TenantFiles {
    files = List.copyOf(files);
  }
}

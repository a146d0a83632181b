package io.caprovisioner.gitimport;

import io.caprovisioner.config.Config;
import io.caprovisioner.gitops.TenantFile;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.TenantYaml;
import io.caprovisioner.render.TenantYamlException;
import java.util.Optional;

/**
 * A tenant.yaml from the branch tip, parsed: its desired state, or why it cannot be used. A file
 * whose folder does not match its namespace and shard counts as unreadable: importing it would
 * make the folder and the tenant disagree.
 *
 * @param folder {@code tenants/<shard>/<namespace>}
 */
record ParsedTenantFile(String path, String folder, Optional<TenantDesired> desired, Optional<String> problem) {

  static ParsedTenantFile parse(TenantFile file, Config config) {
    String folder = file.path().substring(0, file.path().lastIndexOf('/'));
    if (file.unreadable().isPresent()) {
      return new ParsedTenantFile(file.path(), folder, Optional.empty(), file.unreadable());
    }
    try {
      TenantDesired d = TenantYaml.parse(file.text(), config.plans(), config);
      String expected = d.names().folder();
      if (!expected.equals(folder)) {
        return new ParsedTenantFile(file.path(), folder, Optional.empty(),
            Optional.of("metadata.name: " + d.names().namespace() + " belongs in " + expected + "/"));
      }
      return new ParsedTenantFile(file.path(), folder, Optional.of(d), Optional.empty());
    } catch (TenantYamlException e) {
      return new ParsedTenantFile(file.path(), folder, Optional.empty(), Optional.of(e.getMessage()));
    }
  }

  /** The namespace the folder claims (the folder's name), whether or not the file could be read. */
  String folderNamespace() {
    return folder.substring(folder.lastIndexOf('/') + 1);
  }
}

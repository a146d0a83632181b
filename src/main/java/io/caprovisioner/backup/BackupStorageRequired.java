package io.caprovisioner.backup;

import io.caprovisioner.web.ApiError;
import java.util.Optional;

/**
 * The admin API's one rule for what needs backup storage (a backup, a restore, a rollout, a
 * rollback) while it is not configured: refused with a 409 naming what is missing, not recorded.
 * A recorded one could only wait, and hold every later change of its tenant behind it.
 *
 * @param missing what keeps backups from running ({@code Config.Backups.missing()})
 */
public record BackupStorageRequired(Optional<String> missing) {
  /** Throws the refusal of {@code what} ("a backup") while storage is missing. */
  public void check(String what) {
    missing.ifPresent(why -> {
      throw ApiError.conflict(what + " needs backup storage, and " + why
          + " (see \"Backups and restore\" in the README)");
    });
  }
}

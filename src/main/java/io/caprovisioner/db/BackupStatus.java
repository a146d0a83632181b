package io.caprovisioner.db;

import java.util.Locale;

/** {@code backups.status}. */
public enum BackupStatus {
  /** Recorded with the tenant's intent; the reconcile's backup step has not started its Job. */
  REQUESTED,
  /** Its Job was created; the step waits for it. */
  RUNNING,
  /** Its object is in the bucket, with the recorded size and checksum. */
  DONE,
  /** Its Job failed or its object is missing: an operator asks for a new one. */
  FAILED,
  /** Retention deleted its object. */
  DELETED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BackupStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}

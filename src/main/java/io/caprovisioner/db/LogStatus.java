package io.caprovisioner.db;

import java.util.Locale;

/** {@code provisioning_logs.status}: what an entry says happened. */
public enum LogStatus {
  INFO, STARTED, SUCCEEDED, WAITING, FAILED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}

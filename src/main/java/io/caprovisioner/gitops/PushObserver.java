package io.caprovisioner.gitops;

import java.time.Duration;

/** Told how each push to the gitops remote went, for metrics; the writer knows no metrics library. */
public interface PushObserver {
  PushObserver NONE = (result, took) -> {
  };

  /** What the remote made of a push. */
  enum PushResult {
    /** the branch moved to our commit */
    ACCEPTED,
    /** compare-and-set lost: the branch had moved (another replica, a merged pull request) */
    REJECTED,
    /** the remote could not be reached or refused us (credentials, network, protected branch) */
    FAILED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  void pushed(PushResult result, Duration took);
}

package io.caprovisioner.gitops;

import io.caprovisioner.tenant.Refusal;
import java.util.Optional;

/**
 * The gitops remote could not be reached or refused us; the reconcile retries with backoff and
 * shows the message in the tenant's status, so it says which remote and why.
 */
public final class GitopsUnavailableException extends Refusal {
  public GitopsUnavailableException(String message, Throwable cause) {
    super(Kind.UNAVAILABLE, message, cause, Optional.empty());
  }
}

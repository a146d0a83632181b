package io.caprovisioner.gitops;

/**
 * The gitops remote could not be reached or refused us; the job runner retries with backoff and
 * shows the message in the tenant's status, so it says which remote and why.
 */
public class GitopsUnavailableException extends RuntimeException {
  public GitopsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

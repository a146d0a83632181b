package io.caprovisioner.jobs;

/** This runner no longer holds the job: whatever it was about to write is not its to write. */
public final class LeaseLostException extends RuntimeException {
  public LeaseLostException(Job job) {
    super("job " + job.id() + " (" + job.kind() + "): lease lost; another runner holds it now");
  }
}

package io.caprovisioner.jobs;

import java.time.Duration;
import java.util.UUID;

/**
 * Tuning of a job runner. The defaults suit production; tests shorten the durations.
 *
 * @param workers      jobs run at once by this runner (JOB_WORKERS)
 * @param lease        how long a claim holds without renewal; renewed every third of it
 * @param poll         safety-net poll when no NOTIFY arrives (also rescues expired leases)
 * @param stopGrace    how long {@code stop()} lets in-flight jobs finish before releasing them
 * @param runnerId     names this runner in {@code jobs.locked_by}
 */
public record RunnerOptions(int workers, Duration lease, Duration poll, Backoff backoff, Duration stopGrace,
    String runnerId) {

  public static RunnerOptions defaults(int workers) {
    return new RunnerOptions(workers, Duration.ofSeconds(60), Duration.ofSeconds(10), Backoff.DEFAULT,
        Duration.ofSeconds(20), defaultRunnerId());
  }

  public RunnerOptions withLease(Duration lease) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId);
  }

  public RunnerOptions withPoll(Duration poll) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId);
  }

  public RunnerOptions withBackoff(Backoff backoff) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId);
  }

  public RunnerOptions withStopGrace(Duration stopGrace) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId);
  }

  public RunnerOptions withRunnerId(String runnerId) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId);
  }

  private static String defaultRunnerId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "local");
    return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
  }
}

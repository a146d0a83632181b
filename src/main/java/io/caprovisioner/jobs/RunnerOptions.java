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
 * @param heartbeat    how often this runner says it is alive ({@code job_runners}) and looks for dead ones
 * @param silentAfter  a runner whose last heartbeat is older than this is dead: its jobs are released.
 *                     Several heartbeats long, so a busy pool or a GC pause does not look like a death
 */
public record RunnerOptions(int workers, Duration lease, Duration poll, Backoff backoff, Duration stopGrace,
    String runnerId, Duration heartbeat, Duration silentAfter) {

  public RunnerOptions(int workers, Duration lease, Duration poll, Backoff backoff, Duration stopGrace,
      String runnerId) {
    this(workers, lease, poll, backoff, stopGrace, runnerId, Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  public static RunnerOptions defaults(int workers) {
    return new RunnerOptions(workers, Duration.ofSeconds(60), Duration.ofSeconds(10), Backoff.DEFAULT,
        Duration.ofSeconds(20), defaultRunnerId());
  }

  public RunnerOptions withHeartbeat(Duration heartbeat, Duration silentAfter) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId, heartbeat, silentAfter);
  }

  public RunnerOptions withLease(Duration lease) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId, heartbeat, silentAfter);
  }

  public RunnerOptions withPoll(Duration poll) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId, heartbeat, silentAfter);
  }

  public RunnerOptions withBackoff(Backoff backoff) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId, heartbeat, silentAfter);
  }

  public RunnerOptions withStopGrace(Duration stopGrace) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId, heartbeat, silentAfter);
  }

  public RunnerOptions withRunnerId(String runnerId) {
    return new RunnerOptions(workers, lease, poll, backoff, stopGrace, runnerId, heartbeat, silentAfter);
  }

  private static String defaultRunnerId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "local");
    return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
  }
}

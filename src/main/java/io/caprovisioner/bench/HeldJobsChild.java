package io.caprovisioner.bench;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.RunnerOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The runner {@code crash_recovery_s} kills: a child JVM with the service's runner (its default
 * lease and poll) whose {@code bench.hold} jobs never finish, so it holds every one it claims
 * until it is killed. Args: host port database user.
 */
public final class HeldJobsChild {
  static final String KIND = "bench.hold";

  private HeldJobsChild() {
  }

  public static void main(String[] args) {
    DatabaseUrl url = new DatabaseUrl(args[0], Integer.parseInt(args[1]), args[2], args[3], null);
    Vertx vertx = Vertx.vertx();
    JobRunner runner = new JobRunner(vertx, Database.pool(vertx, url, 8),
        RunnerOptions.defaults(Integer.parseInt(args[4])).withRunnerId("bench-held-jobs-child"))
        .register(KIND, ctx -> Promise.<io.caprovisioner.jobs.Outcome>promise().future());
    runner.start().onFailure(e -> {
      e.printStackTrace();
      System.exit(1);
    });
  }
}

package io.caprovisioner.gitops;

import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.TestConfigs;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.Plan;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How a commit's cost grows with the fleet: median time of one write (render, commit, push to a
 * local bare remote) with 10 tenants and with 10,000. Prints figures; asserts nothing.
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp target/test-classes:target/classes:$(cat cp.txt) io.caprovisioner.gitops.CommitBenchmark [tenants]
 * </pre>
 */
public final class CommitBenchmark {
  private static final int SAMPLES = 41;

  public static void main(String[] args) throws Exception {
    int fleet = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    // JGit's debug logging would dominate the timings
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    Path home = Files.createTempDirectory("ca-commit-benchmark");
    Vertx vertx = Vertx.vertx();
    Config config = TestConfigs.config(home, Map.of());
    try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config))) {
      fill(writer, config, 0, 10);
      System.out.printf("median per-commit time at %,d tenants: %.1f ms%n", 10, median(writer, config));

      long start = System.nanoTime();
      fill(writer, config, 10, fleet);
      System.out.printf("filled to %,d tenants in %.1f s (queued writes share pushes)%n", fleet,
          (System.nanoTime() - start) / 1e9);
      System.out.printf("median per-commit time at %,d tenants: %.1f ms%n", fleet, median(writer, config));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      System.out.println("repository left in " + home);
    }
  }

  static String id(int n) {
    return String.format("t%07d", n);
  }

  /** Provisions tenants [from, to), a thousand queued at a time. */
  static void fill(JGitGitopsWriter writer, Config config, int from, int to) throws Exception {
    for (int chunk = from; chunk < to; chunk += 1000) {
      List<Future<Optional<String>>> writes = new ArrayList<>();
      for (int i = chunk; i < Math.min(to, chunk + 1000); i++) {
        writes.add(writer.write(TestConfigs.stripeTenant(config, id(i), "pro"),
            new GitChange(GitAction.PROVISION, Optional.of("evt_" + i), "benchmark")));
      }
      for (Future<Optional<String>> w : writes) {
        w.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
      }
    }
  }

  /** One write at a time (a plan change of an existing tenant), each awaited: the latency a job sees. */
  static double median(JGitGitopsWriter writer, Config config) throws Exception {
    List<Plan> plans = List.copyOf(config.plans().all());
    double[] millis = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      TenantDesired t = TestConfigs.stripeTenant(config, id(i % 10), "pro");
      TenantDesired changed = new TenantDesired(t.names(), plans.get((i + 1) % plans.size()), t.state(), t.source(),
          Optional.of("0.1." + i), t.stripeCustomerId(), t.adminEmail());
      long start = System.nanoTime();
      writer.write(changed, new GitChange(GitAction.PLAN_CHANGE, Optional.empty(), "benchmark"))
          .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES).orElseThrow();
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    return millis[SAMPLES / 2];
  }
}

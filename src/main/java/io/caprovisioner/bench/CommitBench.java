package io.caprovisioner.bench;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The cost of a gitops commit as the fleet grows, with the service's JGit writer pushing to a
 * local bare remote: {@code commit_ms_small_repo} and {@code commit_ms_large_repo} (median of one
 * awaited plan change, at 10 and at {@code large_repo_tenants}), {@code service_tenants_per_s}
 * (the fill between them, a thousand writes queued at a time), and {@code git_cli_tenants_per_s}:
 * a shell script with a working tree and the git CLI making the same commits (the same rendered
 * files, one commit per tenant, one push per thousand), on a fresh repository.
 */
public final class CommitBench implements BenchPart {
  private static final int SMALL = 10;
  private static final int CHUNK = 1000;

  @Override
  public String name() {
    return "commit";
  }

  @Override
  public void run(BenchSettings settings, BenchFigures figures) throws Exception {
    int large = settings.quick() ? 1000 : 10_000;
    int samples = settings.quick() ? 7 : 41;
    int cliTenants = settings.quick() ? 100 : 2000;
    Path home = settings.workDir().resolve("commit");
    Config config = ConfigLoader.load(Map.of("PROVISIONER_HOME", home.toString()));
    YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
    Vertx vertx = Vertx.vertx();
    try (QuietLogs quiet = QuietLogs.warnings(); JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, renderer)) {
      fill(writer, config, 0, SMALL);
      // the first writes load and compile JGit's paths: not what a commit costs
      median(writer, config, samples);
      figures.put("commit_ms_small_repo", median(writer, config, samples));
      long started = System.nanoTime();
      fill(writer, config, SMALL, large);
      figures.put("service_tenants_per_s", (large - SMALL) / ((System.nanoTime() - started) / 1e9));
      figures.put("large_repo_tenants", large);
      figures.put("commit_ms_large_repo", median(writer, config, samples));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    figures.put("git_cli_tenants_per_s", gitCli(settings.workDir().resolve("git-cli"), config, renderer, cliTenants));
    figures.note("commit: JGit writer to a local bare remote; service_tenants_per_s over tenants " + SMALL + " to "
        + large + ", git_cli_tenants_per_s over " + cliTenants + " tenants of a fresh repository (bash + git "
        + version() + ")");
  }

  static TenantDesired tenant(Config config, int n, Plan plan, Optional<String> chartVersion) {
    String id = String.format("b%07d", n);
    return new TenantDesired(TenantNames.of(id, config.tenants().baseDomain()), plan, TenantState.ACTIVE,
        TenantSource.STRIPE, chartVersion, Optional.of("cus_" + id.toUpperCase()), Optional.empty());
  }

  private static Plan pro(Config config) {
    return config.plans().byName(BenchService.PLAN).orElseThrow();
  }

  /** Provisions tenants [from, to), a thousand queued at a time, as a busy runner would. */
  private static void fill(JGitGitopsWriter writer, Config config, int from, int to) throws Exception {
    for (int chunk = from; chunk < to; chunk += CHUNK) {
      List<Future<Optional<String>>> writes = new ArrayList<>();
      for (int i = chunk; i < Math.min(to, chunk + CHUNK); i++) {
        writes.add(writer.write(tenant(config, i, pro(config), Optional.empty()),
            new GitChange(GitAction.PROVISION, Optional.empty(), "bench")));
      }
      for (Future<Optional<String>> w : writes) {
        w.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
      }
    }
  }

  /** One awaited write at a time (a plan change of one of the first tenants): what a job waits. */
  private static double median(JGitGitopsWriter writer, Config config, int samples) throws Exception {
    List<Plan> plans = List.copyOf(config.plans().all());
    double[] millis = new double[samples];
    for (int i = 0; i < samples; i++) {
      TenantDesired changed = tenant(config, i % SMALL, plans.get((i + 1) % plans.size()),
          Optional.of("0.1." + System.nanoTime()));
      long start = System.nanoTime();
      writer.write(changed, new GitChange(GitAction.PLAN_CHANGE, Optional.empty(), "bench"))
          .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES).orElseThrow();
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    return millis[samples / 2];
  }

  /**
   * The same commits by the git CLI: the rendered files are staged beforehand (not timed); the
   * script copies each tenant's files into the working tree, adds and commits them, and pushes
   * every thousand. Returns tenants per second of the script.
   */
  private static double gitCli(Path dir, Config config, YamlTenantRenderer renderer, int tenants) throws Exception {
    Path staged = dir.resolve("staged");
    for (int i = 0; i < tenants; i++) {
      RenderedTenant r = renderer.render(tenant(config, i, pro(config), Optional.empty()));
      Path folder = staged.resolve(Integer.toString(i)).resolve(r.directory());
      Files.createDirectories(folder);
      for (Map.Entry<String, String> f : r.files().entrySet()) {
        Files.writeString(folder.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
      }
    }
    String script = String.join("\n",
        "set -e",
        "git init -q --bare remote.git",
        "git init -q -b main tree && cd tree",
        "git config user.name bench && git config user.email bench@example.org && git config commit.gpgsign false",
        "git remote add origin ../remote.git",
        "for i in $(seq 0 " + (tenants - 1) + "); do",
        "  cp -r ../staged/$i/. .",
        "  git add -A",
        "  git commit -q -m \"provision tenant $i\"",
        "  if [ $(( (i + 1) % " + CHUNK + " )) -eq 0 ]; then git push -q origin main; fi",
        "done",
        "git push -q origin main",
        "");
    Files.writeString(dir.resolve("commits.sh"), script);
    long started = System.nanoTime();
    Process p = new ProcessBuilder("bash", "commits.sh").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("commits.log").toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("the git CLI script failed: " + Files.readString(dir.resolve("commits.log")));
    }
    return tenants / ((System.nanoTime() - started) / 1e9);
  }

  private static String version() {
    try {
      Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return v.replace("git version ", "");
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }
}

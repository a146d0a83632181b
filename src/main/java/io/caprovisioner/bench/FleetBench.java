package io.caprovisioner.bench;

import io.caprovisioner.api.TenantRoutes;
import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.EmbeddedPostgresServer;
import io.caprovisioner.db.Migrations;
import io.caprovisioner.gitimport.GitImporter;
import io.caprovisioner.gitimport.ImportStateStore;
import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.repotools.BaseRevision;
import io.caprovisioner.repotools.OfflineToolConfig;
import io.caprovisioner.repotools.RepositoryValidator;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench --fleet N}: generates N tenants (database rows set-wise, the gitops repository as
 * one commit), then measures the git writer, the tenant list and the Git import at that size.
 * The writer runs exactly as in the service (bare clone, pushes with compare-and-set to the
 * dev-mode local remote); the Stripe webhook and the job queue in front of it are not part of
 * these figures (the standard bench has them).
 */
public final class FleetBench implements BenchPart {
  private static final int BURST = 1_000;
  private static final int ROLLOUT = 10_000;

  @Override
  public String name() {
    return "fleet";
  }

  @Override
  public void run(BenchSettings settings, BenchFigures figures) throws Exception {
    int n = settings.fleet().orElseThrow();
    int samples = settings.quick() ? 11 : 41;
    Vertx vertx = Vertx.vertx();
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(settings.workDir().resolve("postgres"))) {
      Migrations.migrate(postgres.url());
      Config config = config(settings.workDir().resolve("fleet"));
      Plan plan = config.plans().all().iterator().next();
      long started = System.nanoTime();
      FleetRows.insert(postgres.url(), n, config.tenants().baseDomain(), plan.name());
      figures.note(String.format("generated %,d tenant rows in %.1f s", n, seconds(started)));

      YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
      List<TenantDesired> fleet = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        fleet.add(tenant(config, plan, i));
      }
      started = System.nanoTime();
      FleetRepository.generate(config.home().resolve("gitops/remote.git"), config.gitops().branch(), config, renderer,
          fleet);
      figures.note(String.format("generated the gitops repository (%,d tenants, one commit) in %.1f s", n,
          seconds(started)));

      Pool pool = Database.pool(vertx, postgres.url(), 4);
      try (JGitGitopsWriter writer = new JGitGitopsWriter(vertx, config, renderer)) {
        started = System.nanoTime();
        List<Plan> plans = List.copyOf(config.plans().all());
        await(writer.write(withPlan(fleet.get(0), plans.get(1 % plans.size())), change(GitAction.PLAN_CHANGE)));
        figures.note(String.format("first write (clone fetched from the remote) took %.1f s", seconds(started)));
        figures.put("fleet_tenants", count(pool));

        figures.put("burst_1000_commit_s", burst(writer, config, plan, n));
        double[] commitMillis = interleavedCommitMillis(vertx, writer, fleet, settings.workDir().resolve("small"),
            samples);
        figures.put("commit_ms_at_fleet", commitMillis[0]);
        figures.put("commit_ms_small_repo", commitMillis[1]);
        figures.put("list_tenants_p99_ms", listP99Millis(vertx, pool, config, n, settings.quick() ? 200 : 1000));
        figures.put("import_noop_ms", importNoopMillis(vertx, pool, config, writer, fleet, plans,
            settings.quick() ? 3 : 7));
        figures.put("rollout_10k_render_s", rollout(writer, fleet));
        figures.put("validate_base_ms", validateBaseMillis(config, settings.workDir().resolve("checkout")));
      } finally {
        pool.close();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Config config(Path home) throws java.io.IOException {
    Files.createDirectories(home);
    return ConfigLoader.load(Map.of("PROVISIONER_HOME", home.toString()));
  }

  static TenantDesired tenant(Config config, Plan plan, int i) {
    String id = FleetRows.id(i);
    return new TenantDesired(TenantNames.of(id, config.tenants().baseDomain()), plan, TenantState.ACTIVE,
        TenantSource.STRIPE, Optional.empty(), Optional.of("cus_" + id.toUpperCase()), Optional.empty());
  }

  private static TenantDesired withPlan(TenantDesired t, Plan plan) {
    return new TenantDesired(t.names(), plan, t.state(), t.source(), t.chartVersion(), t.stripeCustomerId(),
        t.adminEmail());
  }

  private static TenantDesired withChart(TenantDesired t, String chartVersion) {
    return new TenantDesired(t.names(), t.plan(), t.state(), t.source(), Optional.of(chartVersion),
        t.stripeCustomerId(), t.adminEmail());
  }

  private static GitChange change(GitAction action) {
    return new GitChange(action, Optional.empty(), "bench");
  }

  /** 1,000 new tenants at once, as a burst of checkouts hands them over: until the last one is pushed. */
  private static double burst(JGitGitopsWriter writer, Config config, Plan plan, int n) throws Exception {
    long started = System.nanoTime();
    List<Future<Optional<String>>> writes = new ArrayList<>();
    for (int i = n + 1; i <= n + BURST; i++) {
      writes.add(writer.write(tenant(config, plan, i), new GitChange(GitAction.PROVISION,
          Optional.of("evt_bench" + i), "bench")));
    }
    for (Future<Optional<String>> w : writes) {
      if (await(w).isEmpty()) {
        throw new IllegalStateException("a new tenant's write made no commit");
      }
    }
    return seconds(started);
  }

  /**
   * One change at a time, each awaited (the latency a tenant's git.commit step sees), taken
   * in turns from the fleet and from a repository of ten tenants, so that the machine's noise
   * falls on both alike: their medians, fleet first. Right after the burst, so the fleet's
   * writer is packing what the burst added meanwhile, as it would be in the service.
   */
  private static double[] interleavedCommitMillis(Vertx vertx, JGitGitopsWriter fleetWriter,
      List<TenantDesired> fleet, Path smallHome, int samples) throws Exception {
    Config config = config(smallHome);
    Plan plan = config.plans().all().iterator().next();
    List<TenantDesired> small = new ArrayList<>();
    try (JGitGitopsWriter smallWriter = new JGitGitopsWriter(vertx, config, YamlTenantRenderer.fromConfig(config))) {
      for (int i = 1; i <= 10; i++) {
        small.add(tenant(config, plan, i));
        await(smallWriter.write(small.get(i - 1), change(GitAction.PROVISION)));
      }
      // the small writer's first changes load JGit's paths: not what a commit costs
      for (int i = 0; i < 5; i++) {
        commitMillis(smallWriter, small, i);
      }
      double[] atFleet = new double[samples];
      double[] atSmall = new double[samples];
      for (int i = 0; i < samples; i++) {
        atFleet[i] = commitMillis(fleetWriter, fleet, i);
        atSmall[i] = commitMillis(smallWriter, small, i);
      }
      Arrays.sort(atFleet);
      Arrays.sort(atSmall);
      return new double[] {atFleet[samples / 2], atSmall[samples / 2]};
    }
  }

  /**
   * A new chart version for one of {@code tenants} (a different one each {@code i}), awaited; its
   * milliseconds. Always a real change: a plan change could land on the plan a tenant has, and a
   * write that commits nothing is quick.
   */
  private static double commitMillis(JGitGitopsWriter writer, List<TenantDesired> tenants, int i) throws Exception {
    TenantDesired t = tenants.get((int) ((long) i * 7919 % tenants.size()));
    long started = System.nanoTime();
    if (await(writer.write(withChart(t, "1.0." + System.nanoTime()), change(GitAction.PLAN_CHANGE))).isEmpty()) {
      throw new IllegalStateException("a chart change made no commit");
    }
    return (System.nanoTime() - started) / 1e6;
  }

  /** {@code GET /tenants?after=<random id>} over HTTP, one request at a time. */
  private static double listP99Millis(Vertx vertx, Pool pool, Config config, int n, int requests) throws Exception {
    Router router = Router.router(vertx);
    new TenantRoutes(pool, new TenantLifecycle(pool, config.tenants(), config.plans()))
        .mount(router, BodyHandler.create());
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    try {
      HttpClient client = HttpClient.newHttpClient();
      double[] millis = new double[requests];
      for (int i = -20; i < requests; i++) { // the first twenty warm up
        int after = ThreadLocalRandom.current().nextInt(1, n);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
            + "/tenants?after=" + after)).build();
        long started = System.nanoTime();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IllegalStateException("GET /tenants answered " + response.statusCode() + ": " + response.body());
        }
        if (i >= 0) {
          millis[i] = (System.nanoTime() - started) / 1e6;
        }
      }
      Arrays.sort(millis);
      return millis[(int) Math.ceil(requests * 0.99) - 1];
    } finally {
      await(server.close());
    }
  }

  /**
   * The import after a push of the service's own: nothing for it to do, which is what it finds
   * after nearly every push. The median of a few, each after one more service commit.
   */
  private static double importNoopMillis(Vertx vertx, Pool pool, Config config, JGitGitopsWriter writer,
      List<TenantDesired> tenants, List<Plan> plans, int runs) throws Exception {
    GitImporter importer = new GitImporter(vertx, pool, config, writer::snapshot,
        new TenantLifecycle(pool, config.tenants(), config.plans()));
    String tip = await(writer.snapshot(Optional.empty())).tip().orElseThrow();
    await(new ImportStateStore().recordImported(pool, tip));
    double[] millis = new double[runs];
    for (int i = 0; i < runs; i++) {
      await(writer.write(withChart(tenants.get(i + 1), "1.1." + i), change(GitAction.PLAN_CHANGE)));
      long started = System.nanoTime();
      GitImporter.Outcome outcome = await(importer.run());
      millis[i] = (System.nanoTime() - started) / 1e6;
      if (outcome.skipped() || !outcome.actions().isEmpty()) {
        throw new IllegalStateException("the import of a service commit did something: " + outcome);
      }
    }
    Arrays.sort(millis);
    return millis[runs / 2];
  }

  /** A new chart version for 10,000 tenants (or all, when fewer), every write queued at once. */
  private static double rollout(JGitGitopsWriter writer, List<TenantDesired> tenants) throws Exception {
    long started = System.nanoTime();
    List<Future<Optional<String>>> writes = new ArrayList<>();
    for (TenantDesired t : tenants.subList(0, Math.min(ROLLOUT, tenants.size()))) {
      writes.add(writer.write(withChart(t, "9.9.9"), change(GitAction.PLAN_CHANGE)));
    }
    for (Future<Optional<String>> w : writes) {
      if (await(w).isEmpty()) {
        throw new IllegalStateException("a rollout write made no commit");
      }
    }
    return seconds(started);
  }

  /**
   * {@code validate --base origin/main} in a {@code git clone --depth 1} of the fleet's repository,
   * as CI runs it on a pull request (one that changes nothing: the cost of the check itself).
   */
  private static double validateBaseMillis(Config config, Path checkout) throws Exception {
    Process clone = new ProcessBuilder("git", "clone", "-q", "--depth", "1", "--branch", config.gitops().branch(),
        config.home().resolve("gitops/remote.git").toUri().toString(), checkout.toString())
        .redirectErrorStream(true).start();
    String output = new String(clone.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (clone.waitFor() != 0) {
      throw new IllegalStateException("git clone --depth 1 failed: " + output);
    }
    long started = System.nanoTime();
    Config tools = OfflineToolConfig.load(Map.of(), checkout);
    RepositoryValidator.Result result = new RepositoryValidator(tools).validate(checkout,
        Optional.of(BaseRevision.read(checkout, "origin/" + config.gitops().branch())));
    double millis = (System.nanoTime() - started) / 1e6;
    if (!result.clean()) {
      throw new IllegalStateException("validate found " + result.problems().size() + " problem(s) in the generated "
          + "repository, e.g. " + result.problems().get(0));
    }
    return millis;
  }

  private static long count(Pool pool) throws Exception {
    return await(pool.query("SELECT count(*) AS n FROM tenants").execute()).iterator().next().getLong("n");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}

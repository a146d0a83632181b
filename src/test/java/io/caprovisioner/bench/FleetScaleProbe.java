package io.caprovisioner.bench;

import io.caprovisioner.api.TenantJson;
import io.caprovisioner.api.TenantRoutes;
import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.EmbeddedPostgresServer;
import io.caprovisioner.db.Migrations;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.repotools.BaseRevision;
import io.caprovisioner.repotools.OfflineToolConfig;
import io.caprovisioner.repotools.RepositoryValidator;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantDesired;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A quicker look at two of {@code bench --fleet}'s figures than the whole fleet run: {@code list N}
 * (the tenant list's p99 and its plan at N rows) or {@code validate N} ({@code validate --base} in a
 * shallow clone of an N-tenant repository). Run by hand, not by the test suite:
 * {@code java -cp target/ca-provisioner.jar:target/test-classes io.caprovisioner.bench.FleetScaleProbe list 100000 DIR}.
 */
public final class FleetScaleProbe {
  private FleetScaleProbe() {
  }

  public static void main(String[] args) throws Exception {
    String what = args[0];
    int n = Integer.parseInt(args[1]);
    Path work = Files.createDirectories(Path.of(args[2]));
    if (what.equals("list")) {
      list(n, work);
    } else {
      validate(n, work);
    }
    System.exit(0);
  }

  private static void list(int n, Path work) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(work.resolve("postgres"))) {
      Migrations.migrate(postgres.url());
      Config config = ConfigLoader.load(Map.of("PROVISIONER_HOME", work.resolve("home").toString()));
      Plan plan = config.plans().all().iterator().next();
      try (Connection c = DriverManager.getConnection(postgres.url().jdbcUrl(), postgres.url().user(),
          postgres.url().password()); Statement s = c.createStatement()) {
        s.execute("TRUNCATE tenants, subscriptions, jobs, tenant_steps, provisioning_logs RESTART IDENTITY CASCADE");
      }
      long started = System.nanoTime();
      FleetRows.insert(postgres.url(), n, config.tenants().baseDomain(), plan.name());
      System.out.printf("# %,d rows in %.1f s%n", n, (System.nanoTime() - started) / 1e9);
      explain(postgres, n);
      Pool pool = Database.pool(vertx, postgres.url(), 4);
      Router router = Router.router(vertx);
      new TenantRoutes(pool, new TenantLifecycle(pool, config.tenants(), config.plans()))
          .mount(router, BodyHandler.create());
      HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
      HttpClient client = HttpClient.newHttpClient();
      for (int round = 0; round < 3; round++) {
        int requests = 1000;
        double[] millis = new double[requests];
        long bytes = 0;
        for (int i = -20; i < requests; i++) {
          int after = ThreadLocalRandom.current().nextInt(1, n);
          HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
              + "/tenants?after=" + after)).build();
          long t0 = System.nanoTime();
          HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200) {
            throw new IllegalStateException(response.statusCode() + ": " + response.body());
          }
          if (i >= 0) {
            millis[i] = (System.nanoTime() - t0) / 1e6;
            bytes += response.body().length();
          }
        }
        StringBuilder slow = new StringBuilder();
        for (int i = 0; i < requests; i++) {
          if (millis[i] > 20) {
            slow.append(' ').append(i).append(String.format(":%.0f", millis[i]));
          }
        }
        System.out.println("  requests over 20 ms (index:ms):" + slow);
        Arrays.sort(millis);
        System.out.printf("list round %d: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d bytes a page%n", round,
            millis[requests / 2], millis[(int) Math.ceil(requests * 0.99) - 1], millis[requests - 1],
            bytes / requests);
      }
      // the same pages without HTTP: the store alone, then the store and the JSON text
      TenantRepository store = new TenantRepository();
      for (boolean encode : new boolean[] {false, true}) {
        double[] millis = new double[1000];
        for (int i = -20; i < millis.length; i++) {
          long t0 = System.nanoTime();
          List<Tenant> page = await(store.listAfter(pool,
              ThreadLocalRandom.current().nextInt(1, n), 100));
          if (encode) {
            JsonArray out = new JsonArray();
            page.forEach(t -> out.add(TenantJson.of(t)));
            Json.encode(out);
          }
          if (i >= 0) {
            millis[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
        Arrays.sort(millis);
        System.out.printf("%s: p50 %.2f ms, p99 %.1f ms%n", encode ? "store + JSON" : "store alone",
            millis[500], millis[989]);
      }
      await(server.close());
      pool.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void explain(EmbeddedPostgresServer postgres, int n) throws Exception {
    try (Connection c = DriverManager.getConnection(postgres.url().jdbcUrl(), postgres.url().user(),
        postgres.url().password()); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      Field sql = TenantRepository.class.getDeclaredField("LIST_AFTER");
      sql.setAccessible(true); // package-private in db: the probe prints the plan of the very statement
      s.execute("PREPARE page AS " + sql.get(null));
      try (ResultSet rows = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE page(" + (n - 500) + ", 100)")) {
        while (rows.next()) {
          System.out.println("  " + rows.getString(1));
        }
      }
    }
  }

  private static void validate(int n, Path work) throws Exception {
    Config config = ConfigLoader.load(Map.of("PROVISIONER_HOME", work.resolve("home").toString()));
    Plan plan = config.plans().all().iterator().next();
    Path bare = work.resolve("remote.git");
    if (!Files.exists(bare)) {
      List<TenantDesired> fleet = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        fleet.add(FleetBench.tenant(config, plan, i));
      }
      long started = System.nanoTime();
      FleetRepository.generate(bare, config.gitops().branch(), config, YamlTenantRenderer.fromConfig(config), fleet);
      System.out.printf("# generated %,d tenants in %.1f s%n", n, (System.nanoTime() - started) / 1e9);
    }
    Path checkout = work.resolve("checkout");
    if (!Files.exists(checkout)) {
      Process clone = new ProcessBuilder("git", "clone", "-q", "--depth", "1", "--branch", config.gitops().branch(),
          bare.toUri().toString(), checkout.toString()).inheritIO().start();
      if (clone.waitFor() != 0) {
        throw new IllegalStateException("clone failed");
      }
    }
    for (int round = 0; round < 3; round++) {
      long started = System.nanoTime();
      Config tools = OfflineToolConfig.load(Map.of(), checkout);
      RepositoryValidator.Result result = new RepositoryValidator(tools).validate(checkout,
          Optional.of(BaseRevision.read(checkout, "origin/" + config.gitops().branch())));
      System.out.printf("validate --base round %d: %.0f ms, %d tenant(s) checked, %d problem(s)%n", round,
          (System.nanoTime() - started) / 1e6, result.tenants(), result.problems().size());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}

package io.caprovisioner.bench;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.EmbeddedPostgresServer;
import io.caprovisioner.db.Migrations;
import io.caprovisioner.lifecycle.ProvisionRequest;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.TenantSource;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code rss_mb_5500_tenants}: the resident memory of a {@code serve} process, started as an
 * operator would ({@code java -jar ... serve}, no heap option: the default bound applies), with
 * 5,500 tenants provisioned (through the service's own provisioning path, before it starts), after
 * its runner worked on them for a while (they wait at {@code mysql.create}: no MySQL here) and the
 * whole fleet was listed through its API page by page; then {@code rss_mb_after_64_webhooks} and,
 * last, {@code serve_peak_rss_mb}, the most it held at any moment of all that.
 */
public final class ServiceRss implements BenchPart {
  private static final int TENANTS = 5_500;
  private static final int CONCURRENCY = 16;
  /** Issue 18's second memory point: RSS after a webhook run at this many concurrent clients. */
  private static final int WEBHOOK_CONCURRENCY = 64;
  /** How long after the webhook run its memory is read; the note gives the run's own peak too. */
  private static final Duration AFTER_RUN = Duration.ofSeconds(5);

  @Override
  public String name() {
    return "service_rss";
  }

  @Override
  public void run(BenchSettings settings, BenchFigures figures) throws Exception {
    Path work = settings.workDir().resolve("rss");
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(work.resolve("pg"))) {
      DatabaseUrl db = postgres.url();
      int port = freePort();
      String token = secret();
      Map<String, String> env = new HashMap<>();
      env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      env.put("DATABASE_URL", "postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database());
      env.put("ADMIN_API_TOKEN", token);
      env.put("SECRET_KEY", secret());
      String webhookSecret = "whsec_" + secret();
      env.put("STRIPE_WEBHOOK_SECRET", webhookSecret);
      env.put("PORT", Integer.toString(port));
      env.put("MANAGEMENT_PORT", Integer.toString(freePort()));
      env.put("DRAIN_DELAY_SECONDS", "0");
      env.put("PROVISIONER_HOME", work.resolve("home").toString());
      env.put("BASE_DOMAIN", "sites.example.org");
      env.put("LOG_LEVEL", "WARN");
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "io.caprovisioner.cli.Main", "serve")
          .redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile());
      pb.environment().clear();
      pb.environment().putAll(env);
      Files.createDirectories(work);
      long began = System.nanoTime();
      provision(db, env, figures);
      figures.note("rss_mb_5500_tenants: " + TENANTS + " tenants provisioned in "
          + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began) + " s, before serve starts");
      Process serve = pb.start();
      try {
        measure(serve, port, token, settings, figures, work, db);
        afterWebhooks(serve, port, webhookSecret, settings, figures);
      } finally {
        serve.destroy();
        if (!serve.waitFor(60, TimeUnit.SECONDS)) {
          serve.descendants().forEach(ProcessHandle::destroyForcibly);
          serve.destroyForcibly().waitFor();
        }
      }
    }
  }

  private static void measure(Process serve, int port, String token, BenchSettings settings, BenchFigures figures,
      Path work, DatabaseUrl db) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + port;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!answers(http, base + "/livez")) {
      if (!serve.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("serve did not start; its output is in " + work.resolve("serve.log"));
      }
      Thread.sleep(200);
    }
    // the runner works through the new tenants meanwhile (git.commit, then a wait at mysql.create)
    Thread.sleep(Duration.ofSeconds(settings.quick() ? 5 : 60).toMillis());
    int listed = 0;
    long after = 0;
    while (true) {
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/tenants?limit=1000"
          + (after > 0 ? "&after=" + after : ""))).header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      io.vertx.core.json.JsonArray items = pageItems(page.body());
      if (items.isEmpty()) {
        break;
      }
      listed += items.size();
      after = items.getJsonObject(items.size() - 1).getLong("id");
    }
    Optional<ServeMemory> memory = ServeMemory.of(serve, ProcMemory.RESIDENT);
    if (memory.isEmpty()) {
      figures.note("rss_mb_5500_tenants: not measured (no /proc here)");
      return;
    }
    figures.put("rss_mb_5500_tenants", memory.get().totalMb());
    figures.note("rss_mb_5500_tenants: VmRSS of serve (default heap bound), " + memory.get().parts() + ", with "
        + listed + " tenants listed through GET /tenants, " + waitingAtMysql(db) + " of them committed and waiting "
        + "at mysql.create");
  }

  /**
   * {@code rss_mb_after_64_webhooks}: the same process after 64 clients posted unique signed
   * checkouts as fast as it answered (its runner applying them meanwhile): the request path's
   * buffers, the connections and the stored events' jobs must not grow the heap past its bound.
   */
  private static void afterWebhooks(Process serve, int port, String webhookSecret, BenchSettings settings,
      BenchFigures figures) throws Exception {
    Duration window = Duration.ofSeconds(settings.quick() ? 5 : 20);
    WebhookLoad.Result result;
    PeakSampler peak = new PeakSampler(serve);
    try (WebhookLoad load = new WebhookLoad(webhookSecret, WEBHOOK_CONCURRENCY)) {
      peak.start();
      result = load.run(port, Duration.ofSeconds(1), window);
    } finally {
      peak.interrupt();
    }
    // after the run: once the last requests' work, and the compilations the load set off, ended
    Thread.sleep(AFTER_RUN.toMillis());
    Optional<ServeMemory> memory = ServeMemory.of(serve, ProcMemory.RESIDENT);
    if (memory.isEmpty()) {
      return;
    }
    figures.put("rss_mb_after_64_webhooks", memory.get().totalMb());
    figures.note(String.format(java.util.Locale.ROOT, "rss_mb_after_64_webhooks: VmRSS of the same serve "
        + "%d s after %d concurrent clients posted %d checkouts in %d s (%.0f/s, p99 %.1f ms), %s; the highest "
        + "sampled during the run (every %d ms) was %d MB", AFTER_RUN.toSeconds(), WEBHOOK_CONCURRENCY,
        result.requests(), window.toSeconds(), result.perSecond(), result.p99Millis(), memory.get().parts(),
        PeakSampler.EVERY.toMillis(), Math.max(peak.highestMb(), memory.get().totalMb())));
    Optional<ServeMemory> lifePeak = ServeMemory.of(serve, ProcMemory.PEAK);
    if (lifePeak.isPresent()) {
      figures.put("serve_peak_rss_mb", lifePeak.get().totalMb());
      figures.note("serve_peak_rss_mb: VmHWM of the same serve, the most each JVM held resident in its life (its "
          + TENANTS + " tenants, the listing, the webhook run), " + lifePeak.get().parts() + "; a sum of two "
          + "peaks, so the pair never held more");
    }
  }

  /** The highest total of the pair while the webhooks run. */
  private static final class PeakSampler extends Thread {
    static final Duration EVERY = Duration.ofMillis(250);
    private final Process serve;
    private volatile long highestMb;

    PeakSampler(Process serve) {
      super("rss-sampler");
      this.serve = serve;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        while (!isInterrupted()) {
          ServeMemory.of(serve, ProcMemory.RESIDENT).ifPresent(m -> highestMb = Math.max(highestMb, m.totalMb()));
          Thread.sleep(EVERY.toMillis());
        }
      } catch (IOException | InterruptedException e) {
        // the run ended, or the process did: what was sampled stands
      }
    }

    long highestMb() {
      return highestMb;
    }
  }

  private static io.vertx.core.json.JsonArray pageItems(String body) {
    Object parsed = io.vertx.core.json.Json.decodeValue(body);
    if (parsed instanceof io.vertx.core.json.JsonArray a) {
      return a;
    }
    io.vertx.core.json.JsonObject o = (io.vertx.core.json.JsonObject) parsed;
    return Optional.ofNullable(o.getJsonArray("items")).orElse(o.getJsonArray("tenants",
        new io.vertx.core.json.JsonArray()));
  }

  /**
   * The fleet, through the service's own provisioning path (the reconciles are queued; the service
   * works on them once it runs). Setting it up is not what is measured: commits need not wait for
   * the disk meanwhile.
   */
  private static void provision(DatabaseUrl db, Map<String, String> env, BenchFigures figures) throws Exception {
    Migrations.migrate(db);
    Config config = ConfigLoader.load(env);
    synchronousCommit(db, false);
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.pool(vertx, db, 16);
    try {
      TenantLifecycle lifecycle = new TenantLifecycle(pool, config.tenants(), config.plans());
      Semaphore inFlight = new Semaphore(CONCURRENCY);
      AtomicInteger failed = new AtomicInteger();
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 0; i < TENANTS; i++) {
        inFlight.acquire();
        all.add(lifecycle.provision(new ProvisionRequest("bench-" + i + "@museum.example", "starter",
                Optional.empty(), TenantSource.MANUAL, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), "bench"))
            .onComplete(ar -> {
              if (ar.failed()) {
                failed.incrementAndGet();
              }
              inFlight.release();
            }).toCompletionStage().toCompletableFuture().exceptionally(e -> null));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(10, TimeUnit.MINUTES);
      if (failed.get() > 0) {
        figures.note("rss_mb_5500_tenants: " + failed.get() + " of " + TENANTS + " provisions failed");
      }
    } finally {
      pool.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      synchronousCommit(db, true);
    }
  }

  private static long waitingAtMysql(DatabaseUrl db) throws java.sql.SQLException {
    try (java.sql.Connection c = db.openJdbc(); java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM tenants WHERE status_detail LIKE "
            + "'waiting at mysql.create%'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void synchronousCommit(DatabaseUrl db, boolean on) throws java.sql.SQLException {
    try (java.sql.Connection c = db.openJdbc(); java.sql.Statement st = c.createStatement()) {
      st.execute(on ? "ALTER SYSTEM RESET synchronous_commit" : "ALTER SYSTEM SET synchronous_commit = off");
      st.execute("SELECT pg_reload_conf()");
    }
  }

  private static boolean answers(HttpClient http, String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String secret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}

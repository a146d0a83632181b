package io.caprovisioner.bench;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.db.Database;
import io.caprovisioner.db.EmbeddedPostgresServer;
import io.caprovisioner.db.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The webhook against its limit (issues 16 and 18), in one process, on one embedded PostgreSQL
 * (durable, as dev mode runs it), with one load generator of unique signed checkouts at 16
 * concurrent: the bare single-insert handler ({@code limit_rps}), the service with no job
 * runner ({@code webhook_rps}, {@code webhook_ack_p99_ms}), then the service with its runner
 * applying and provisioning what it was sent, first one checkout at a time
 * ({@code checkout_to_push_*}: acknowledged to its manifests pushed to the gitops remote), then
 * under the same load again ({@code webhook_rps_runner_busy}). Limit and service alternate twice
 * and the means are reported: the machine's load drifts within a run.
 */
public final class WebhookBench implements BenchPart {
  static final int CONCURRENCY = 16;

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public void run(BenchSettings settings, BenchFigures figures) throws Exception {
    Duration warmup = Duration.ofSeconds(settings.quick() ? 2 : 5);
    Duration window = Duration.ofSeconds(settings.quick() ? 4 : 15);
    int pushSamples = settings.quick() ? 15 : 60;
    Path dir = settings.workDir().resolve("webhook");
    try (QuietLogs quiet = QuietLogs.warnings(); EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"))) {
      // a database per phase on the one server: the runner's phase must not inherit the events
      // the runner-less phase stored (it would spend the run provisioning them)
      DatabaseUrl url = database(pg.url(), "bench_ack");
      DatabaseUrl runnerUrl = database(pg.url(), "bench_runner");
      Migrations.migrate(url);
      figures.note("webhook: " + CONCURRENCY + " concurrent clients, " + warmup.toSeconds() + " s warm-up + "
          + window.toSeconds() + " s measured per handler, embedded PostgreSQL with fsync on");

      // limit and service alternate, twice (A B A B) after a round that only warms up, while the
      // runner-less service stays up (idle while the limit runs): the machine's load drifts
      List<WebhookLoad.Result> limits = new ArrayList<>();
      List<WebhookLoad.Result> acks = new ArrayList<>();
      double limitOff;
      double ackOff;
      try (BenchService service = new BenchService(url, dir.resolve("api-only"), 0);
          WebhookLoad load = new WebhookLoad(service.webhookSecret, CONCURRENCY)) {
        // round 0 only warms the JIT of both paths: under load, 2 s of it is not enough
        for (int round = 0; round < 3; round++) {
          WebhookLoad.Result bare = limit(url, warmup, round == 0 ? warmup : window);
          WebhookLoad.Result ack = load.run(service.port(), warmup, round == 0 ? warmup : window);
          if (round > 0) {
            limits.add(bare);
            acks.add(ack);
          }
        }
        fsyncOff(pg.url(), true);
        try {
          // what durability costs: the same two handlers without waiting for the disk's flush
          // both paths are warm by now: a second for the server to have reloaded its settings
          limitOff = limit(url, Duration.ofSeconds(1), window).perSecond();
          ackOff = load.run(service.port(), Duration.ofSeconds(1), window).perSecond();
        } finally {
          fsyncOff(pg.url(), false);
        }
      }
      double limitRps = limits.stream().mapToDouble(WebhookLoad.Result::perSecond).average().orElseThrow();
      double ackRps = acks.stream().mapToDouble(WebhookLoad.Result::perSecond).average().orElseThrow();
      figures.put("limit_rps", limitRps);
      figures.put("limit_ack_p99_ms", limits.stream().mapToDouble(WebhookLoad.Result::p99Millis).max().orElseThrow());
      figures.put("webhook_rps", ackRps);
      figures.put("webhook_ack_p50_ms", acks.stream().mapToDouble(WebhookLoad.Result::p50Millis).max().orElseThrow());
      figures.put("webhook_ack_p99_ms", acks.stream().mapToDouble(WebhookLoad.Result::p99Millis).max().orElseThrow());
      figures.put("webhook_vs_limit", ackRps / limitRps);
      figures.note(String.format(java.util.Locale.ROOT, "webhook: rounds limit/service %.0f/%.0f then %.0f/%.0f "
          + "requests/s; figures are the means (p50/p99: the worse round)", limits.get(0).perSecond(),
          acks.get(0).perSecond(), limits.get(1).perSecond(), acks.get(1).perSecond()));
      figures.put("limit_rps_fsync_off", limitOff);
      figures.put("webhook_rps_fsync_off", ackOff);
      figures.put("webhook_fsync_on_vs_off", ackRps / ackOff);

      Vertx vertx = Vertx.vertx();
      Pool sql = Database.pool(vertx, runnerUrl, 2, "bench-reader");
      try (BenchService service = new BenchService(runnerUrl, dir.resolve("runner"), 4);
          WebhookLoad load = new WebhookLoad(service.webhookSecret, CONCURRENCY)) {
        checkoutToPush(service, load, sql, pushSamples, figures);
        // the limit again right before, with this runner idle: a single window drifts with the
        // machine (and with fsync on, with the disk) more than the rounds' means above
        WebhookLoad.Result adjacentLimit = limit(url, warmup, window);
        long jobsBefore = doneJobs(sql);
        WebhookLoad.Result busy = load.run(service.port(), warmup, window);
        long jobsDuring = doneJobs(sql) - jobsBefore;
        figures.put("webhook_rps_runner_busy", busy.perSecond());
        figures.put("webhook_ack_p99_ms_runner_busy", busy.p99Millis());
        figures.put("webhook_runner_busy_vs_limit", busy.perSecond() / adjacentLimit.perSecond());
        figures.note(String.format(java.util.Locale.ROOT, "webhook: runner busy against the limit measured right "
            + "before it, %.0f requests/s", adjacentLimit.perSecond()));
        figures.note("webhook: the runner (4 workers) finished " + jobsDuring + " jobs (stripe.apply, "
            + "tenant.reconcile, mail.send) during the warm-up and measured window of the runner-busy run");
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static WebhookLoad.Result limit(DatabaseUrl url, Duration warmup, Duration window) throws Exception {
    String secret = "whsec_" + java.util.UUID.randomUUID().toString().replace("-", "");
    try (WebhookLoad load = new WebhookLoad(secret, CONCURRENCY); LimitHandler bare = new LimitHandler(url, secret)) {
      return load.run(bare.start(), warmup, window);
    }
  }

  /** One checkout at a time on an idle runner: acknowledged (received) to git.commit done (pushed). */
  private static void checkoutToPush(BenchService service, WebhookLoad load, Pool sql, int samples,
      BenchFigures figures) throws Exception {
    List<Double> millis = new ArrayList<>();
    HttpClientAgent http = load.client();
    try {
      for (int i = 0; i < samples; i++) {
        WebhookLoad.Checkout checkout = load.nextCheckout();
        int status = await(load.post(http, service.port(), checkout.body()));
        if (status != 200) {
          throw new IllegalStateException("the checkout was answered HTTP " + status);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Double took = null;
        while (took == null) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("checkout " + checkout.eventId() + " was not pushed within 60 s");
          }
          Thread.sleep(5);
          RowSet<Row> rows = await(sql.preparedQuery("SELECT extract(epoch FROM ts.finished_at - e.received_at) "
                  + "* 1000 AS ms FROM stripe_events e, subscriptions s JOIN tenant_steps ts ON ts.tenant_id = "
                  + "s.tenant_id AND ts.step = 'git.commit' AND ts.state = 'done' WHERE e.id = $1 "
                  + "AND s.stripe_subscription_id = $2")
              .execute(Tuple.of(checkout.eventId(), checkout.subscriptionId())));
          if (rows.size() == 1) {
            took = rows.iterator().next().getNumeric("ms").doubleValue();
          }
        }
        millis.add(took);
      }
    } finally {
      await(http.close());
    }
    Collections.sort(millis);
    figures.put("checkout_to_push_p50_ms", millis.get(millis.size() / 2));
    figures.put("checkout_to_push_p99_ms", millis.get((int) Math.ceil(millis.size() * 0.99) - 1));
    figures.note("checkout_to_push: " + samples + " checkouts one at a time, from the stored event's received_at "
        + "to its tenant's git.commit step done (manifests pushed to the local bare remote), database clock");
  }

  /** fsync off (or back on) for the whole server, as dev mode ran it before issue 18: {@code -F}. */
  private static void fsyncOff(DatabaseUrl server, boolean off) throws java.sql.SQLException {
    try (java.sql.Connection c = server.openJdbc(); java.sql.Statement st = c.createStatement()) {
      st.execute(off ? "ALTER SYSTEM SET fsync = off" : "ALTER SYSTEM RESET fsync");
      st.execute("SELECT pg_reload_conf()");
    }
  }

  /** Creates {@code name} on the server of {@code server}. */
  static DatabaseUrl database(DatabaseUrl server, String name) throws java.sql.SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":"
        + server.port() + "/" + server.database(), server.user(), server.password());
        java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return new DatabaseUrl(server.host(), server.port(), name, server.user(), server.password());
  }

  private static long doneJobs(Pool sql) throws Exception {
    return await(sql.query("SELECT count(*) FROM jobs WHERE state = 'done'").execute()).iterator().next().getLong(0);
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}

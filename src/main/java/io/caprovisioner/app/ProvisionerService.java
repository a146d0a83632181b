package io.caprovisioner.app;

import io.caprovisioner.api.AdminRoutes;
import io.caprovisioner.api.ApiServer;
import io.caprovisioner.api.HealthRoutes;
import io.caprovisioner.api.HistoryRoutes;
import io.caprovisioner.api.TenantRoutes;
import io.caprovisioner.config.Config;
import io.caprovisioner.db.Database;
import io.caprovisioner.gitimport.GitImport;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.stripe.StripeEventApplier;
import io.caprovisioner.stripe.StripeRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: database, HTTP API and background work, wired from one {@link Config}.
 * {@link #stop()} drains in order: stop accepting and finish requests, stop background work, close
 * the pool, Vert.x and the embedded database.
 */
public final class ProvisionerService {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionerService.class);
  private static final long DRAIN_SECONDS = 20;

  private final Config config;
  private final Database database;
  private final Vertx vertx;
  private final Pool pool;
  private final ApiServer api;
  private final JGitGitopsWriter gitops;
  private final JobRunner runner;
  private final AtomicBoolean draining = new AtomicBoolean();
  private GitImport gitImport;
  private int port;
  private StripeEventApplier stripeEvents;

  private ProvisionerService(Config config, Database database, Vertx vertx, Pool pool, ApiServer api,
      JGitGitopsWriter gitops, JobRunner runner) {
    this.config = config;
    this.database = database;
    this.vertx = vertx;
    this.pool = pool;
    this.api = api;
    this.gitops = gitops;
    this.runner = runner;
  }

  /** Blocking: opens (and migrates) the database, then listens. */
  public static ProvisionerService start(Config config) {
    Database database = Database.open(config);
    Vertx vertx = Vertx.vertx();
    Pool pool;
    try {
      pool = database.pool(vertx, 16);
    } catch (RuntimeException e) {
      vertx.close();
      database.close();
      throw e;
    }
    TenantLifecycle lifecycle = new TenantLifecycle(pool, config);
    // templates are checked now: a broken operator template stops the start, not a later job
    YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
    JGitGitopsWriter gitops = new JGitGitopsWriter(vertx, config, renderer);
    JobRunner runner = new JobRunner(vertx, pool, config, gitops, renderer);
    ApiServer api = new ApiServer(vertx, config.secrets().adminApiToken());
    ProvisionerService service = new ProvisionerService(config, database, vertx, pool, api, gitops, runner);
    BodyHandler body = ApiServer.apiBody();
    service.gitImport = new GitImport(vertx, pool, config, gitops::snapshot, lifecycle);
    service.stripeEvents = new StripeEventApplier(vertx, pool, config, lifecycle);
    // a failed Future (database or Stripe API down) is retried; events that can never apply are
    // marked failed by the applier itself and wait for an operator's replay
    runner.register(StripeEventApplier.JOB_KIND, ctx -> service.stripeEvents
        .apply(ctx.job().payload().getString("event_id"))
        .map(v -> Outcome.done("stripe event " + ctx.job().payload().getString("event_id") + " applied")));
    api.routes(new HealthRoutes(pool, service.draining::get)::mount)
        .routes(r -> new TenantRoutes(pool, lifecycle).mount(r, body))
        .routes(new AdminRoutes(pool, lifecycle, runner)::mount)
        .routes(new HistoryRoutes(pool, gitops)::mount)
        .routes(new StripeRoutes(pool, config, service.stripeEvents)::mount)
        .routes(service.gitImport::mount);
    try {
      if (config.jobs().workers() > 0) {
        await(runner.start(), 30);
      }
      service.port = api.listen(config.http().port()).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      service.stop();
      throw new IllegalStateException("cannot listen on port " + config.http().port() + ": " + rootMessage(e), e);
    }
    service.gitImport.start();
    LOG.info("ca-provisioner listening on port {} ({} mode)", service.port, config.devMode() ? "dev" : "production");
    return service;
  }

  public int port() {
    return port;
  }

  public Config config() {
    return config;
  }

  /** The handler of {@code stripe.apply} jobs. */
  public StripeEventApplier stripeEvents() {
    return stripeEvents;
  }

  /** Blocking, idempotent. */
  public synchronized void stop() {
    if (!draining.compareAndSet(false, true)) {
      return;
    }
    LOG.info("shutting down: finishing in-flight requests");
    await(api.shutdown(DRAIN_SECONDS), DRAIN_SECONDS + 5);
    await(gitImport.stop(), 30);
    // in-flight jobs finish or give their lease back for another replica
    await(runner.stop(), 30);
    gitops.close();
    await(pool.close(), 10);
    await(vertx.close(), 10);
    database.close();
    LOG.info("stopped");
  }

  private static void await(io.vertx.core.Future<?> f, long seconds) {
    try {
      f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("shutdown step did not complete cleanly: {}", rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}

package io.caprovisioner.app;

import io.caprovisioner.api.AdminRoutes;
import io.caprovisioner.api.HealthRoutes;
import io.caprovisioner.api.HistoryRoutes;
import io.caprovisioner.api.OpenApiRoutes;
import io.caprovisioner.api.TenantRoutes;
import io.caprovisioner.config.Config;
import io.caprovisioner.db.Database;
import io.caprovisioner.gitimport.GitImport;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.jobs.RunnerOptions;
import io.caprovisioner.k8s.KubernetesClients;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.metrics.FleetGauges;
import io.caprovisioner.metrics.MetricsEndpoint;
import io.caprovisioner.metrics.ProductMetrics;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.pipeline.PipelineOptions;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.stripe.StripeEventApplier;
import io.caprovisioner.stripe.StripeRoutes;
import io.caprovisioner.web.ApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service, and the one composition root: builds every client (database pool, JGit,
 * fabric8, the shared MySQL), every step, handler and route from one {@link Config}, and wires
 * them; nothing else constructs infrastructure. Immutable once built. {@link #stop()} drains in
 * order: stop accepting and finish requests, stop background work, close the clients, the pool,
 * Vert.x and the embedded database.
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
  private final GitImport gitImport;
  private final StripeEventApplier stripeEvents;
  private final SharedMysql mysql;
  private final KubernetesClient kubernetes;
  private final WorkerExecutor k8sWorkers;
  private final AtomicBoolean draining;
  private final ManagementServer management;
  private final int port;
  private final int managementPort;

  private ProvisionerService(Parts p, int port, int managementPort) {
    this.config = p.config;
    this.database = p.database;
    this.vertx = p.vertx;
    this.pool = p.pool;
    this.api = p.api;
    this.gitops = p.gitops;
    this.runner = p.runner;
    this.gitImport = p.gitImport;
    this.stripeEvents = p.stripeEvents;
    this.mysql = p.mysql;
    this.kubernetes = p.kubernetes;
    this.k8sWorkers = p.k8sWorkers;
    this.draining = p.draining;
    this.management = p.management;
    this.port = port;
    this.managementPort = managementPort;
  }

  /** What is built before the service listens; closed in reverse if the start fails. */
  private static final class Parts {
    Config config;
    Database database;
    Vertx vertx;
    Pool pool;
    ApiServer api;
    JGitGitopsWriter gitops;
    JobRunner runner;
    GitImport gitImport;
    StripeEventApplier stripeEvents;
    SharedMysql mysql;
    KubernetesClient kubernetes;
    WorkerExecutor k8sWorkers;
    ManagementServer management;
    final AtomicBoolean draining = new AtomicBoolean();
  }

  /** Blocking: opens (and migrates) the database, then listens. */
  public static ProvisionerService start(Config config) {
    Parts p = new Parts();
    p.config = config;
    p.database = Database.open(config);
    PrometheusMeterRegistry registry = Observability.registry();
    ProductMetrics metrics = new ProductMetrics(registry);
    p.vertx = Observability.vertx(registry);
    try {
      p.pool = p.database.pool(p.vertx, 16);
    } catch (RuntimeException e) {
      p.vertx.close();
      p.database.close();
      throw e;
    }
    TenantLifecycle lifecycle = new TenantLifecycle(p.pool, config.tenants(), config.plans());
    // templates are checked now: a broken operator template stops the start, not a later job
    YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
    p.gitops = new JGitGitopsWriter(p.vertx, config, renderer, metrics);
    p.mysql = new SharedMysql(p.vertx, config.mysql());
    p.kubernetes = KubernetesClients.create(config.kubernetes());
    p.k8sWorkers = p.vertx.createSharedWorkerExecutor("ca-provisioner-k8s", Math.max(2, config.jobs().workers()));
    p.runner = new JobRunner(p.vertx, p.pool, RunnerOptions.defaults(config.jobs().workers()));
    p.stripeEvents = new StripeEventApplier(p.vertx, p.pool, config, lifecycle);
    p.runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(p.pool, config, p.gitops,
            renderer, p.kubernetes, p.k8sWorkers, p.mysql, PipelineOptions.defaults(), metrics))
        .register(JobKind.STRIPE_APPLY.wire(), new StripeApplyHandler(p.stripeEvents));
    p.api = new ApiServer(p.vertx, config.secrets().adminApiToken());
    p.gitImport = new GitImport(p.vertx, p.pool, config, p.gitops::snapshot, lifecycle);
    BodyHandler body = ApiServer.apiBody();
    p.api.routes(new HealthRoutes(p.pool, p.draining::get)::mount)
        .routes(new OpenApiRoutes()::mount)
        .routes(r -> new TenantRoutes(p.pool, lifecycle).mount(r, body))
        .routes(new AdminRoutes(p.pool, lifecycle)::mount)
        .routes(new HistoryRoutes(p.pool, p.gitops)::mount)
        .routes(new StripeRoutes(p.pool, config, p.stripeEvents, metrics)::mount)
        .routes(p.gitImport::mount);
    p.management = new ManagementServer(p.vertx,
        new MetricsEndpoint(registry, new FleetGauges(p.pool, config.plans(), registry)));
    int port;
    int managementPort;
    try {
      if (config.jobs().workers() > 0) {
        await(p.runner.start(), 30);
      }
      managementPort = listen(p.management.listen(config.operations().managementPort()), "MANAGEMENT_PORT",
          config.operations().managementPort());
      port = listen(p.api.listen(config.http().port()), "PORT", config.http().port());
    } catch (IllegalStateException e) {
      new ProvisionerService(p, -1, -1).stop();
      throw e;
    } catch (Exception e) {
      new ProvisionerService(p, -1, -1).stop();
      throw new IllegalStateException("cannot start: " + rootMessage(e), e);
    }
    ProvisionerService service = new ProvisionerService(p, port, managementPort);
    service.gitImport.start();
    LOG.info("ca-provisioner listening on port {}, metrics on port {} ({} mode)", port, managementPort,
        config.devMode() ? "dev" : "production");
    return service;
  }

  private static int listen(io.vertx.core.Future<Integer> listening, String variable, int wanted) {
    try {
      return listening.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on port " + wanted + " (" + variable + "): " + rootMessage(e), e);
    }
  }

  public int port() {
    return port;
  }

  /** Every route of the public port, {@code METHOD /path/:param}: what the API description must cover. */
  public java.util.List<String> routes() {
    return api.routes();
  }

  /** Where {@code /metrics} is served. */
  public int managementPort() {
    return managementPort;
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
    // readiness answers 503 from now on; requests are still served until load balancers have seen it
    long delay = config.operations().drainDelay().toMillis();
    if (delay > 0 && port > 0) {
      LOG.info("shutting down: /readyz answers 503, requests are still served for {} s", delay / 1000.0);
      sleep(delay);
    }
    LOG.info("shutting down: closing the listener, finishing in-flight requests");
    await(api.shutdown(DRAIN_SECONDS), DRAIN_SECONDS + 5);
    await(gitImport.stop(), 30);
    // in-flight jobs finish or give their lease back for another replica
    await(runner.stop(), 30);
    await(mysql.closeFuture().orElse(io.vertx.core.Future.succeededFuture()), 10);
    await(k8sWorkers.close(), 10);
    await(management.close(), 5);
    kubernetes.close();
    gitops.close();
    await(pool.close(), 10);
    await(vertx.close(), 10);
    database.close();
    LOG.info("stopped");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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

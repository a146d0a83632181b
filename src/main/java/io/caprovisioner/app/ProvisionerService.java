package io.caprovisioner.app;

import io.caprovisioner.api.AdminRoutes;
import io.caprovisioner.api.BackupRoutes;
import io.caprovisioner.backup.BackupStorageRequired;
import io.caprovisioner.api.HealthRoutes;
import io.caprovisioner.api.HistoryRoutes;
import io.caprovisioner.api.MessageRoutes;
import io.caprovisioner.api.OpenApiRoutes;
import io.caprovisioner.api.TenantRoutes;
import io.caprovisioner.backup.BackupRetention;
import io.caprovisioner.backup.BackupStorage;
import io.caprovisioner.config.Config;
import io.caprovisioner.lifecycle.ScheduledBackups;
import io.caprovisioner.db.Database;
import io.caprovisioner.gitimport.GitImport;
import io.caprovisioner.gitops.JGitGitopsWriter;
import io.caprovisioner.jobs.ForegroundLoad;
import io.caprovisioner.jobs.JobRunner;
import io.caprovisioner.rollout.RolloutDriver;
import io.caprovisioner.rollout.RolloutFailures;
import io.caprovisioner.rollout.RolloutRoutes;
import io.caprovisioner.rollout.Rollouts;
import io.caprovisioner.jobs.RunnerOptions;
import io.caprovisioner.k8s.KubernetesClients;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.EmbeddedMariaDb;
import io.caprovisioner.mail.MailSendHandler;
import io.caprovisioner.onboarding.BillingRoutes;
import io.caprovisioner.onboarding.CredentialsRoutes;
import io.caprovisioner.metrics.FleetGauges;
import io.caprovisioner.stripe.PayloadRetention;
import io.caprovisioner.metrics.MetricsEndpoint;
import io.caprovisioner.metrics.ProductMetrics;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.pipeline.DependencySlots;
import io.caprovisioner.pipeline.DependencyBreakers;
import io.caprovisioner.pipeline.PipelineOptions;
import io.caprovisioner.render.YamlTenantRenderer;
import io.caprovisioner.stripe.StripeEventApplier;
import io.caprovisioner.stripe.StripeEventRelay;
import io.caprovisioner.stripe.StripeWebhookHandler;
import io.caprovisioner.stripe.StripeRoutes;
import io.caprovisioner.web.ApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
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
  /** Slots of {@code stripe.apply} beside JOB_WORKERS: database work only, quick. */
  private static final int STRIPE_APPLY_SLOTS = 2;
  /** Slots of {@code mail.send} beside JOB_WORKERS: one SMTP conversation at a time is plenty. */
  private static final int MAIL_SEND_SLOTS = 1;
  /** Connections of the public routes (admin API, customer pages, health) beside the webhooks' own. */
  private static final int API_CONNECTIONS = 8;
  /** How long a start waits for an unreachable PostgreSQL before giving up (and being restarted). */
  private static final java.time.Duration DATABASE_PATIENCE = java.time.Duration.ofMinutes(10);
  /** How soon an event stored by another replica (or left by a crash) gets its job. */
  private static final java.time.Duration RELAY_POLL = java.time.Duration.ofSeconds(1);

  private final Config config;
  private final Database database;
  private final Vertx vertx;
  private final Vertx httpVertx;
  private final Pool pool;
  private final Pool apiPool;
  private final Pool webhookPool;
  private final StripeEventRelay stripeRelay;
  private final ApiServer api;
  private final JGitGitopsWriter gitops;
  private final JobRunner runner;
  private final GitImport gitImport;
  private final StripeEventApplier stripeEvents;
  private final SharedMysql mysql;
  private final Optional<EmbeddedMariaDb> embeddedMysql;
  private final KubernetesClient kubernetes;
  private final WorkerExecutor k8sWorkers;
  private final DependencyBreakers breakers;
  private final MailSendHandler mail;
  private final AtomicBoolean draining;
  private final ManagementServer management;
  private final int port;
  private final int managementPort;

  private ProvisionerService(Parts p, int port, int managementPort) {
    this.config = p.config;
    this.database = p.database;
    this.vertx = p.vertx;
    this.httpVertx = p.httpVertx;
    this.pool = p.pool;
    this.apiPool = p.apiPool;
    this.webhookPool = p.webhookPool;
    this.stripeRelay = p.stripeRelay;
    this.api = p.api;
    this.gitops = p.gitops;
    this.runner = p.runner;
    this.gitImport = p.gitImport;
    this.stripeEvents = p.stripeEvents;
    this.mysql = p.mysql;
    this.embeddedMysql = p.embeddedMysql;
    this.kubernetes = p.kubernetes;
    this.k8sWorkers = p.k8sWorkers;
    this.breakers = p.breakers;
    this.mail = p.mail;
    this.draining = p.draining;
    this.management = p.management;
    this.port = port;
    this.managementPort = managementPort;
  }

  /** What is built before the service listens; closed in reverse if the start fails. */
  private static final class Parts {
    Config config;
    Database database;
    /** Background work: the job runner, the relay, git, MySQL, Kubernetes, mail, the import. */
    Vertx vertx;
    /** The public port's own event loops, which background work never runs on (issue 18). */
    Vertx httpVertx;
    Pool pool;
    /** The public routes' connections, on the public port's event loops. */
    Pool apiPool;
    Pool webhookPool;
    StripeEventRelay stripeRelay;
    ApiServer api;
    JGitGitopsWriter gitops;
    JobRunner runner;
    GitImport gitImport;
    StripeEventApplier stripeEvents;
    SharedMysql mysql;
    Optional<EmbeddedMariaDb> embeddedMysql = Optional.empty();
    KubernetesClient kubernetes;
    WorkerExecutor k8sWorkers;
    DependencyBreakers breakers;
    MailSendHandler mail;
    ManagementServer management;
    PrometheusMeterRegistry registry;
    ProductMetrics metrics;
    final AtomicBoolean draining = new AtomicBoolean();
    final java.util.concurrent.atomic.AtomicInteger listeningPort = new java.util.concurrent.atomic.AtomicInteger();
  }

  /** Blocking: opens (and migrates) the database, then listens. */
  public static ProvisionerService start(Config configured) {
    Parts p = new Parts();
    p.database = Database.open(configured, DATABASE_PATIENCE);
    p.registry = Observability.registry();
    p.metrics = new ProductMetrics(p.registry);
    p.vertx = Observability.vertx(p.registry);
    p.httpVertx = Observability.httpVertx(p.registry);
    p.vertx.exceptionHandler(ProvisionerService::onEventLoopFailure);
    p.httpVertx.exceptionHandler(ProvisionerService::onEventLoopFailure);
    try {
      p.pool = p.database.pool(p.vertx, 16);
      // the public port's connections, and the acknowledgements' own among them: a busy runner
      // can take neither, nor the event loops their answers arrive on (issue 18)
      p.apiPool = p.database.pool(p.httpVertx, API_CONNECTIONS, "postgres-api");
      p.webhookPool = p.database.pool(p.httpVertx, StripeWebhookHandler.CONNECTIONS, "postgres-webhooks");
      p.embeddedMysql = DevMysql.startIfWanted(configured, p.vertx);
    } catch (RuntimeException e) {
      p.httpVertx.close();
      p.vertx.close();
      p.database.close();
      throw e;
    }
    // from here on, config.mysql() is the MySQL the tenants really get (dev mode: the embedded one)
    Config config = p.embeddedMysql.map(m -> configured.withMysql(m.account())).orElse(configured);
    p.config = config;
    try {
      return build(p, config);
    } catch (RuntimeException e) {
      // a failed listen has stopped everything already; else close what runs, or an embedded
      // server left behind would hold its data directory
      if (!p.draining.get()) {
        p.pool.close();
        p.apiPool.close();
        p.webhookPool.close();
        p.httpVertx.close();
        p.vertx.close();
        p.embeddedMysql.ifPresent(EmbeddedMariaDb::close);
        p.database.close();
      }
      throw e;
    }
  }

  /**
   * Out of memory on an event loop leaves a process that answers nothing and ignores SIGTERM:
   * better to die at once and be restarted (the Dockerfile also sets -XX:+ExitOnOutOfMemoryError).
   */
  private static void onEventLoopFailure(Throwable t) {
    if (t instanceof VirtualMachineError) {
      LOG.error("fatal: {}; exiting so the process is restarted", t.toString());
      Runtime.getRuntime().halt(3);
    }
    LOG.warn("unhandled failure on an event loop: {}", t.toString());
  }

  private static ProvisionerService build(Parts p, Config config) {
    TenantLifecycle lifecycle = new TenantLifecycle(p.pool, config.tenants(), config.plans());
    // the same rules on the public port's connections: a request never waits for the runner's
    TenantLifecycle apiLifecycle = new TenantLifecycle(p.apiPool, config.tenants(), config.plans());
    // templates are checked now: a broken operator template stops the start, not a later job
    YamlTenantRenderer renderer = YamlTenantRenderer.fromConfig(config);
    p.gitops = new JGitGitopsWriter(p.vertx, config, renderer, p.metrics);
    p.mysql = new SharedMysql(p.vertx, config.mysql());
    p.kubernetes = KubernetesClients.create(config.kubernetes());
    p.k8sWorkers = p.vertx.createSharedWorkerExecutor("ca-provisioner-k8s", Math.max(2, config.jobs().workers()));
    // background work yields to a burst of webhooks: they are answered first, worked off right after
    ForegroundLoad acknowledgements = new ForegroundLoad();
    p.runner = new JobRunner(p.vertx, p.pool, RunnerOptions.defaults(config.jobs().workers()), acknowledgements);
    p.stripeEvents = new StripeEventApplier(p.vertx, p.pool, config, lifecycle);
    p.stripeRelay = new StripeEventRelay(p.vertx, p.pool, RELAY_POLL, acknowledgements);
    // templates are checked now too: a broken operator mail template stops the start
    p.mail = MailSendHandler.create(p.vertx, p.pool, config);
    PipelineOptions pipeline = PipelineOptions.defaults();
    p.breakers = TenantPipelineWiring.breakers(p.vertx, p.pool, p.gitops, p.kubernetes, p.k8sWorkers, p.mysql,
        DependencyBreakers.Timing.defaults());
    // reconciles share JOB_WORKERS slots, of which cluster and MySQL steps may hold only some (the
    // rest stay for git work); Stripe events and mail have slots of their own: none of them ever
    // waits behind a hung Kubernetes API or MySQL
    p.runner.register(JobKind.TENANT_RECONCILE.wire(), TenantPipelineWiring.reconciler(p.pool, config, p.gitops,
            renderer, p.kubernetes, p.k8sWorkers, p.mysql, pipeline, p.metrics, p.breakers,
            DependencySlots.forWorkers(config.jobs().workers(), pipeline.awaitPoll()),
            RolloutWiring.steps(p.vertx), new RolloutFailures()))
        .register(JobKind.ROLLOUT_ADVANCE.wire(), new RolloutDriver(lifecycle, RolloutWiring.POLL))
        .register(JobKind.STRIPE_APPLY.wire(), new StripeApplyHandler(p.stripeEvents), STRIPE_APPLY_SLOTS)
        .register(JobKind.MAIL_SEND.wire(), p.mail, MAIL_SEND_SLOTS);
    p.api = new ApiServer(p.httpVertx, config.secrets().adminApiToken());
    p.gitImport = new GitImport(p.vertx, p.pool, config, p.gitops::snapshot, lifecycle);
    BodyHandler body = ApiServer.apiBody();
    BackupStorageRequired storage = new BackupStorageRequired(config.backups().missing());
    p.api.routes(new HealthRoutes(p.apiPool, p.draining::get)::mount)
        .routes(new OpenApiRoutes()::mount)
        .routes(r -> new TenantRoutes(p.apiPool, apiLifecycle).mount(r, body))
        .routes(new AdminRoutes(p.apiPool, apiLifecycle)::mount)
        .routes(r -> new BackupRoutes(p.apiPool, apiLifecycle, storage).mount(r, body))
        .routes(new HistoryRoutes(p.apiPool, p.gitops)::mount)
        .routes(new StripeRoutes(p.apiPool, p.webhookPool, config, p.stripeEvents,
            new ForegroundCounting(p.metrics, acknowledgements), p.stripeRelay::wake)::mount)
        .routes(p.gitImport::mount)
        .routes(new CredentialsRoutes(p.apiPool, config)::mount)
        .routes(new MessageRoutes(p.apiPool)::mount)
        .routes(r -> new RolloutRoutes(new Rollouts(p.apiPool, apiLifecycle, config.chart().version(),
            config.tenants().image()), storage).mount(r, body))
        .routes(new BillingRoutes(p.httpVertx, p.apiPool, config)::mount);
    OnboardingWiring.mount(p.api, p.httpVertx, p.apiPool, config, p.listeningPort::get);
    p.management = new ManagementServer(p.vertx,
        new MetricsEndpoint(p.registry, new FleetGauges(p.pool, config.plans(), p.registry,
            config.chart().version(), config.tenants().image())));
    int port;
    int managementPort;
    try {
      if (config.jobs().workers() > 0) {
        await(p.runner.start(), 30);
        new PayloadRetention(p.pool, config.stripe().payloadRetentionDays()).hourly(p.vertx);
        // without storage a scheduled backup could only wait, and hold every later intent of its
        // tenant (a password reset, a plan change) behind it: no schedule until storage is set
        config.backups().missing().ifPresentOrElse(
            why -> LOG.info("scheduled backups are off: {} (see \"Backups and restore\" in the README)", why),
            () -> new ScheduledBackups(p.pool, config.plans()).every(p.vertx));
        new BackupRetention(p.vertx, p.pool, config.plans(), BackupStorage.of(config.backups())).hourly();
        // the relay feeds the runner: an API-only replica leaves it to the replicas that run jobs
        p.stripeRelay.start();
      }
      managementPort = listen(p.management.listen(config.operations().managementPort()), "MANAGEMENT_PORT",
          config.operations().managementPort());
      port = listen(p.api.listen(config.http().port()), "PORT", config.http().port());
      p.listeningPort.set(port);
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
    LOG.info("customer messages go to {}", p.mail.destination());
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

  /** Queues the stored events' {@code stripe.apply} jobs (runs where jobs run; tests call it themselves). */
  public StripeEventRelay stripeRelay() {
    return stripeRelay;
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
    stripeRelay.stop();
    // in-flight jobs finish or give their lease back for another replica
    breakers.close();
    await(runner.stop(), 30);
    await(mail.close(), 10);
    await(mysql.closeFuture().orElse(io.vertx.core.Future.succeededFuture()), 10);
    await(k8sWorkers.close(), 10);
    await(management.close(), 5);
    kubernetes.close();
    gitops.close();
    await(webhookPool.close(), 10);
    await(apiPool.close(), 10);
    await(pool.close(), 10);
    await(httpVertx.close(), 10);
    await(vertx.close(), 10);
    embeddedMysql.ifPresent(EmbeddedMariaDb::close);
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

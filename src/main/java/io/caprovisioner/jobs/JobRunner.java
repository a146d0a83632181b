package io.caprovisioner.jobs;

import io.caprovisioner.config.Config;
import io.caprovisioner.crypto.SecretBox;
import io.caprovisioner.gitops.GitopsWriter;
import io.caprovisioner.k8s.CaInstallStep;
import io.caprovisioner.k8s.GitopsAwaitStep;
import io.caprovisioner.k8s.GitopsGoneStep;
import io.caprovisioner.k8s.GitopsResources;
import io.caprovisioner.k8s.K8sPrepareStep;
import io.caprovisioner.k8s.Kube;
import io.caprovisioner.k8s.KubernetesClients;
import io.caprovisioner.k8s.NamespaceDeleteStep;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.mysql.MysqlCreateStep;
import io.caprovisioner.mysql.MysqlDropStep;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.render.TenantRenderer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;

/**
 * The job runner of the service: the queue engine with the tenant pipelines registered, plus the
 * operations the admin API needs (retry, per-step status). Other job kinds (e.g. stripe.apply)
 * are added with {@link #register} before {@link #start}.
 */
public final class JobRunner {
  public static final List<String> TENANT_KINDS = List.of(TenantLifecycle.PROVISION, TenantLifecycle.SUSPEND,
      TenantLifecycle.RESUME, TenantLifecycle.DELETE, TenantLifecycle.PLAN_CHANGE);

  private final Vertx vertx;
  private final Pool pool;
  private final JobDispatcher dispatcher;
  private final JobWakeup wakeup;
  private final SharedMysql mysql;
  private final WorkerExecutor k8sWorkers;
  private final Optional<KubernetesClient> ownedClient;
  private final TenantRetry retry;
  private final TenantJobsView view = new TenantJobsView();

  /** For the service: fabric8 client from KUBERNETES_IN_CLUSTER / kubeconfig, default tuning. */
  public JobRunner(Vertx vertx, Pool pool, Config config, GitopsWriter gitops, TenantRenderer renderer) {
    this(vertx, pool, config, gitops, renderer, null, RunnerOptions.defaults(config.jobs().workers()),
        PipelineOptions.defaults());
  }

  /** {@code kubernetes} null: one is created from the configuration (and closed by {@link #stop}). */
  public JobRunner(Vertx vertx, Pool pool, Config config, GitopsWriter gitops, TenantRenderer renderer,
      KubernetesClient kubernetes, RunnerOptions runner, PipelineOptions pipeline) {
    this.vertx = vertx;
    this.pool = pool;
    this.ownedClient = kubernetes == null ? Optional.of(KubernetesClients.create(config.kubernetes()))
        : Optional.empty();
    KubernetesClient client = kubernetes == null ? ownedClient.get() : kubernetes;
    this.dispatcher = new JobDispatcher(vertx, pool, runner);
    this.wakeup = new JobWakeup(vertx, pool, dispatcher, runner.poll());
    this.mysql = new SharedMysql(vertx, config.mysql());
    // fabric8 blocks: its own pool, so slow API calls never starve other blocking work
    this.k8sWorkers = vertx.createSharedWorkerExecutor("ca-provisioner-k8s", Math.max(2, runner.workers()));
    this.retry = new TenantRetry(pool);

    TenantCredentials credentials = new TenantCredentials(new SecretBox(config.secrets().secretKey()));
    Kube kube = new Kube(client, k8sWorkers, pipeline.unavailableRetry());
    GitopsResources resources = new GitopsResources(config.gitops());
    TenantPipelines.Steps steps = new TenantPipelines.Steps(
        new MysqlCreateStep(mysql, credentials, pipeline.unavailableRetry()),
        new K8sPrepareStep(kube, credentials, config.mysql(), pipeline.unavailableRetry()),
        new GitopsAwaitStep(kube, resources, renderer, pipeline.awaitPoll(), pipeline.awaitTimeout()),
        new CaInstallStep(kube, config.tenants(), credentials, pipeline.caRoot(), pipeline.installPoll(),
            pipeline.installTimeout()),
        new GitopsGoneStep(kube, resources, pipeline.awaitPoll()),
        new MysqlDropStep(mysql, pipeline.unavailableRetry()),
        new NamespaceDeleteStep(kube, pipeline.awaitPoll()));
    TenantJobHandler tenants = new TenantJobHandler(pool, config, new TenantPipelines(gitops, renderer, steps));
    TENANT_KINDS.forEach(kind -> dispatcher.register(kind, tenants));
  }

  /** Jobs of {@code kind} go to {@code handler}; jobs without a tenant are not serialised per tenant. */
  public JobRunner register(String kind, JobHandler handler) {
    dispatcher.register(kind, handler);
    return this;
  }

  public Future<Void> start() {
    return wakeup.start();
  }

  /**
   * For SIGTERM: no new claims; in-flight jobs get the grace period to finish, the rest are given
   * back to the queue at once (no attempt counted) for another replica.
   */
  public Future<Void> stop() {
    return wakeup.stop()
        .compose(v -> dispatcher.stop())
        .compose(v -> mysql.closeFuture().orElse(Future.succeededFuture()))
        .compose(v -> k8sWorkers.close())
        .onComplete(ar -> ownedClient.ifPresent(KubernetesClient::close));
  }

  /** {@code POST /admin/tenants/{id}/retry}. */
  public Future<JsonObject> retry(long tenantId) {
    return retry.retry(tenantId);
  }

  /** The tenant's jobs and their steps, for {@code GET /admin/tenants/{id}/status} under "jobs". */
  public Future<JsonArray> status(long tenantId) {
    return view.jobs(pool, tenantId);
  }

  public Vertx vertx() {
    return vertx;
  }
}

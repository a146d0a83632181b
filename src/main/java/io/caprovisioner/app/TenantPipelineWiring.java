package io.caprovisioner.app;

import io.caprovisioner.backup.BackupStep;
import io.caprovisioner.backup.BackupStorage;
import io.caprovisioner.backup.FinalBackupStep;
import io.caprovisioner.backup.RestoreLoadStep;
import io.caprovisioner.backup.RestoreScaleStep;
import io.caprovisioner.config.Config;
import io.caprovisioner.crypto.SecretBox;
import io.caprovisioner.gitops.GitopsUnavailableException;
import io.caprovisioner.gitops.GitopsWriter;
import io.caprovisioner.k8s.AdminPasswordResetStep;
import io.caprovisioner.k8s.CaInstallStep;
import io.caprovisioner.k8s.GitopsAwaitStep;
import io.caprovisioner.k8s.GitopsGoneStep;
import io.caprovisioner.k8s.GitopsResources;
import io.caprovisioner.k8s.K8sPrepareStep;
import io.caprovisioner.k8s.Kube;
import io.caprovisioner.k8s.NamespaceDeleteStep;
import io.caprovisioner.mysql.MysqlCreateStep;
import io.caprovisioner.mysql.MysqlDropStep;
import io.caprovisioner.mysql.SharedMysql;
import io.caprovisioner.pipeline.DependencySlots;
import io.caprovisioner.pipeline.GaveUpListener;
import io.caprovisioner.pipeline.Dependency;
import io.caprovisioner.pipeline.DependencyBreaker;
import io.caprovisioner.pipeline.DependencyBreakers;
import io.caprovisioner.pipeline.GitCommitStep;
import io.caprovisioner.pipeline.GitRemoveStep;
import io.caprovisioner.pipeline.PipelineOptions;
import io.caprovisioner.pipeline.StepObserver;
import io.caprovisioner.pipeline.TenantCredentials;
import io.caprovisioner.pipeline.TenantPlan;
import io.caprovisioner.pipeline.TenantReconciler;
import io.caprovisioner.render.TenantRenderer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the tenant reconciler from its clients: every step, and which steps undo which (a
 * dropped database must be created again after a resume). The service and the pipeline tests
 * wire it the same way.
 */
public final class TenantPipelineWiring {
  private TenantPipelineWiring() {
  }

  /**
   * One breaker per dependency, each with its probe: the shared MySQL answers a query, the API
   * server answers a GET, the gitops remote a fetch. Close them when the runner stops.
   */
  public static DependencyBreakers breakers(Vertx vertx, Pool pool, GitopsWriter gitops, KubernetesClient kubernetes,
      WorkerExecutor k8sWorkers, SharedMysql mysql, DependencyBreakers.Timing timing) {
    return new DependencyBreakers(vertx, pool, Map.of(
        Dependency.MYSQL, mysql::probe,
        Dependency.KUBERNETES, () -> Kube.probe(kubernetes, k8sWorkers),
        Dependency.GITOPS, () -> gitops.reachable()
            .recover(e -> e instanceof GitopsUnavailableException ? Future.failedFuture(e) : Future.succeededFuture())),
        timing);
  }

  /**
   * @param k8sWorkers fabric8 blocks: its own executor, so slow API calls never starve other blocking work
   * @param breakers   from {@link #breakers}, on the same clients
   */
  public static TenantReconciler reconciler(Pool pool, Config config, GitopsWriter gitops, TenantRenderer renderer,
      KubernetesClient kubernetes, WorkerExecutor k8sWorkers, SharedMysql mysql, PipelineOptions options,
      StepObserver observer, DependencyBreakers breakers) {
    return reconciler(pool, config, gitops, renderer, kubernetes, k8sWorkers, mysql, options, observer, breakers,
        DependencySlots.unbounded(), TenantPlan.UpgradeSteps.NONE, GaveUpListener.NONE);
  }

  /**
   * @param dependencySlots how many reconciles may be in a cluster or MySQL step at once (the rest: git work)
   * @param upgrade a fleet rollout's steps in a running tenant's reconcile
   * @param gaveUp told when a tenant's reconcile gives up (its rollout counts it as failed)
   */
  public static TenantReconciler reconciler(Pool pool, Config config, GitopsWriter gitops, TenantRenderer renderer,
      KubernetesClient kubernetes, WorkerExecutor k8sWorkers, SharedMysql mysql, PipelineOptions options,
      StepObserver observer, DependencyBreakers breakers, DependencySlots dependencySlots,
      TenantPlan.UpgradeSteps upgrade, GaveUpListener gaveUp) {
    DependencySlots d = dependencySlots;
    TenantCredentials credentials = new TenantCredentials(new SecretBox(config.secrets().secretKey()));
    Kube kube = new Kube(kubernetes, k8sWorkers, breakers.of(Dependency.KUBERNETES));
    DependencyBreaker git = breakers.of(Dependency.GITOPS);
    DependencyBreaker mysqlBreaker = breakers.of(Dependency.MYSQL);
    GitopsResources resources = new GitopsResources(config.gitops());
    GitopsAwaitStep await = new GitopsAwaitStep(kube, resources, renderer, options.awaitPoll(),
        options.awaitTimeout());
    GitopsGoneStep gone = new GitopsGoneStep(kube, resources, options.awaitPoll());
    BackupStep backup = new BackupStep(kube, BackupStorage.of(config.backups()), config.backups(),
        options.installPoll(), options.unavailableRetry());
    GitCommitStep commit = new GitCommitStep(gitops, renderer, List.of(GitRemoveStep.NAME, gone.name()), git);
    TenantPlan.DataSteps data = new TenantPlan.DataSteps(backup, List.of(RestoreScaleStep.down(commit, await),
        new RestoreLoadStep(kube, config.backups(), options.installPoll(), options.unavailableRetry()),
        RestoreScaleStep.up(commit, await)), new FinalBackupStep(backup, config.backups()));
    TenantPlan plan = new TenantPlan(new TenantPlan.Steps(
        commit,
        d.around(new MysqlCreateStep(mysql, credentials, mysqlBreaker)),
        d.around(new K8sPrepareStep(kube, credentials, config.mysql(), mysqlBreaker)),
        d.around(await),
        d.around(new CaInstallStep(kube, config.tenants(), credentials, options.caRoot(), options.installPoll(),
            options.installTimeout())),
        d.around(new AdminPasswordResetStep(kube, config.tenants(), credentials, options.caRoot(),
            options.installPoll())),
        new GitRemoveStep(gitops, List.of(GitCommitStep.NAME, await.name()), git),
        d.around(gone),
        d.around(new MysqlDropStep(mysql, mysqlBreaker, List.of(MysqlCreateStep.NAME, CaInstallStep.NAME))),
        d.around(new NamespaceDeleteStep(kube, options.awaitPoll(), List.of(K8sPrepareStep.NAME,
            CaInstallStep.NAME)))), data, upgrade);
    return new TenantReconciler(pool, config.plans(), plan, observer, gaveUp, Optional.of(breakers));
  }
}

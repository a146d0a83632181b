package io.caprovisioner.pipeline;

import io.caprovisioner.tenant.TenantStatus;
import java.util.List;

/**
 * Pure: which steps the desired state of a tenant needs, in order, from its recorded status. A
 * reconcile runs them, skipping those that already achieved their target, so a running tenant's
 * list can include the provisioning steps: once done they cost one comparison.
 */
public final class TenantPlan {
  /** The I/O steps, built by the composition root (and by tests with doubles). */
  public record Steps(TenantStep gitCommit, TenantStep mysqlCreate, TenantStep k8sPrepare, TenantStep await,
      TenantStep caInstall, TenantStep caAdminPassword, TenantStep gitRemove, TenantStep gitopsGone, TenantStep mysqlDrop,
      TenantStep namespaceDelete) {
  }

  /** @param name for status_detail and logs */
  public record Phase(String name, List<TenantStep> steps) {
  }

  private final Phase provision;
  private final Phase running;
  private final Phase suspended;
  private final Phase failed;
  private final Phase deleting;
  private static final Phase DELETED = new Phase("deleted", List.of());

  /**
   * A running tenant's steps of a fleet upgrade, each applying only to a tenant in a rollout.
   *
   * @param beforeCommit the pre-upgrade backup
   * @param afterInstall the site's health check, then the report to the rollout
   */
  public record UpgradeSteps(List<TenantStep> beforeCommit, List<TenantStep> afterInstall) {
    public static final UpgradeSteps NONE = new UpgradeSteps(List.of(), List.of());
  }

  public TenantPlan(Steps s) {
    this(s, UpgradeSteps.NONE);
  }

  public TenantPlan(Steps s, UpgradeSteps upgrade) {
    List<TenantStep> deploy = List.of(s.gitCommit(), s.mysqlCreate(), s.k8sPrepare(), s.await(), s.caInstall(), s.caAdminPassword(),
        new SetStatusStep(TenantStatus.PROVISIONING, TenantStatus.ACTIVE));
    List<TenantStep> sync = new java.util.ArrayList<>(upgrade.beforeCommit());
    sync.addAll(List.of(s.gitCommit(), s.mysqlCreate(), s.k8sPrepare(), s.await(), s.caInstall()));
    sync.addAll(upgrade.afterInstall());
    sync.addAll(List.of(s.caAdminPassword(), new SetStatusStep(TenantStatus.PROVISIONING, TenantStatus.ACTIVE)));
    this.provision = new Phase("provision", deploy);
    this.running = new Phase("sync", List.copyOf(sync));
    this.suspended = new Phase("suspend", List.of(s.gitCommit(), s.await()));
    // keep the repository current for a later retry; nothing is deployed to wait for
    this.failed = new Phase("failed", List.of(s.gitCommit()));
    this.deleting = new Phase("delete", List.of(s.gitRemove(), s.gitopsGone(), new RetentionStep(), s.mysqlDrop(),
        s.namespaceDelete(), new SetStatusStep(TenantStatus.DELETING, TenantStatus.DELETED)));
  }

  public Phase forStatus(TenantStatus status) {
    return switch (status) {
      case PENDING, PROVISIONING -> provision;
      case ACTIVE -> running;
      case SUSPENDED -> suspended;
      case FAILED -> failed;
      case DELETING -> deleting;
      case DELETED -> DELETED;
    };
  }
}

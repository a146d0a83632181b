package io.caprovisioner.pipeline;

import io.caprovisioner.tenant.TenantStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

  /**
   * The steps about a tenant's data (issue 14), kept apart from {@link Steps} so that a plan
   * without them still builds.
   *
   * @param backup      takes requested backups: first in a running tenant's steps, so before anything
   *                    the same reconcile commits (a rollout's upgrade); after the commit when suspended
   * @param restore     the steps of a requested restore, in order, after {@code backup}
   * @param finalBackup after the retention period, before the data is dropped
   */
  public record DataSteps(TenantStep backup, List<TenantStep> restore, TenantStep finalBackup) {
    public DataSteps {
      restore = List.copyOf(restore);
    }
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
   * A running tenant's steps of a fleet upgrade, each idle for a tenant in no rollout. The
   * pre-upgrade backup is requested with the upgrade's intent and taken by {@link DataSteps#backup()},
   * first in the reconcile.
   *
   * @param beforeCommit after the backup step, before the commit: the check that the backup is done
   * @param afterInstall after the schema Job: the site's health check, then the report to the rollout
   */
  public record UpgradeSteps(List<TenantStep> beforeCommit, List<TenantStep> afterInstall) {
    public static final UpgradeSteps NONE = new UpgradeSteps(List.of(), List.of());
  }

  /** Without backups, restores and rollouts. */
  public TenantPlan(Steps s) {
    this(s, Optional.empty(), UpgradeSteps.NONE);
  }

  public TenantPlan(Steps s, DataSteps data) {
    this(s, Optional.of(data), UpgradeSteps.NONE);
  }

  public TenantPlan(Steps s, DataSteps data, UpgradeSteps upgrade) {
    this(s, Optional.of(data), upgrade);
  }

  private TenantPlan(Steps s, Optional<DataSteps> data, UpgradeSteps upgrade) {
    List<TenantStep> deploy = List.of(s.gitCommit(), s.mysqlCreate(), s.k8sPrepare(), s.await(), s.caInstall(), s.caAdminPassword(),
        new SetStatusStep(TenantStatus.PROVISIONING, TenantStatus.ACTIVE));
    this.provision = new Phase("provision", deploy);
    List<TenantStep> running = new ArrayList<>();
    data.ifPresent(d -> running.add(d.backup()));
    // restores before the commit: a rollback's restore scales the site to zero, loads the pre-upgrade
    // dump and only then brings the site back on the old version, so no pod of either version touches
    // the database while it is replaced, and the old image never meets the schema the new one migrated
    // (nor the new image the old schema); the schema Job after the commit then finds the old schema
    data.ifPresent(d -> running.addAll(d.restore()));
    running.addAll(upgrade.beforeCommit());
    running.addAll(List.of(s.gitCommit(), s.mysqlCreate(), s.k8sPrepare(), s.await(), s.caInstall()));
    running.addAll(upgrade.afterInstall());
    running.addAll(List.of(s.caAdminPassword(), new SetStatusStep(TenantStatus.PROVISIONING, TenantStatus.ACTIVE)));
    this.running = new Phase("sync", List.copyOf(running));
    List<TenantStep> suspended = new ArrayList<>(List.of(s.gitCommit(), s.await()));
    data.ifPresent(d -> suspended.add(d.backup()));
    this.suspended = new Phase("suspend", List.copyOf(suspended));
    // keep the repository current for a later retry; nothing is deployed to wait for
    this.failed = new Phase("failed", List.of(s.gitCommit()));
    List<TenantStep> deleting = new ArrayList<>(List.of(s.gitRemove(), s.gitopsGone(), new RetentionStep()));
    data.ifPresent(d -> deleting.add(d.finalBackup()));
    deleting.addAll(List.of(s.mysqlDrop(), s.namespaceDelete(), new SetStatusStep(TenantStatus.DELETING,
        TenantStatus.DELETED)));
    this.deleting = new Phase("delete", List.copyOf(deleting));
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

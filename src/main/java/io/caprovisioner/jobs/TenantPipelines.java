package io.caprovisioner.jobs;

import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitopsWriter;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantState;
import io.caprovisioner.tenant.TenantStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Level-triggered choice of what a tenant job does: the job's kind says why it was queued, the
 * tenant's status now says what to converge to. A stale or duplicate job is therefore harmless:
 * a suspend job that runs after a resume was recorded commits the active state.
 */
public final class TenantPipelines {
  /** The I/O steps, built by the wiring (and by tests with doubles). */
  public record Steps(TenantStep mysqlCreate, TenantStep k8sPrepare, TenantStep await, TenantStep caInstall,
      TenantStep gitopsGone, TenantStep mysqlDrop, TenantStep namespaceDelete) {
  }

  private final GitopsWriter writer;
  private final TenantRenderer renderer;
  private final Steps steps;

  public TenantPipelines(GitopsWriter writer, TenantRenderer renderer, Steps steps) {
    this.writer = writer;
    this.renderer = renderer;
    this.steps = steps;
  }

  /** Empty with a reason when there is nothing to do for this kind in the tenant's status. */
  public Choice choose(String kind, Tenant tenant) {
    TenantStatus status = tenant.status();
    if (TenantLifecycle.PROVISION.equals(kind)) {
      return switch (status) {
        case PENDING, PROVISIONING, FAILED -> Choice.of(provision());
        default -> Choice.none("nothing to provision: tenant is " + status.wire());
      };
    }
    if (TenantLifecycle.DELETE.equals(kind)) {
      return status == TenantStatus.DELETING ? Choice.of(delete())
          : Choice.none("deletion cancelled: tenant is " + status.wire() + " (resumed or already deleted)");
    }
    boolean planChange = TenantLifecycle.PLAN_CHANGE.equals(kind);
    return switch (status) {
      case ACTIVE -> Choice.of(sync(TenantState.ACTIVE, planChange ? GitAction.PLAN_CHANGE : GitAction.RESUME,
          TenantStatus.ACTIVE));
      case SUSPENDED -> Choice.of(sync(TenantState.SUSPENDED, planChange ? GitAction.PLAN_CHANGE : GitAction.SUSPEND,
          TenantStatus.SUSPENDED));
      // keep the repository current for a later retry; nothing is deployed to wait for
      case FAILED -> Choice.of(new TenantPipeline(kind, Set.of(TenantStatus.FAILED),
          List.of(new GitCommitStep(writer, renderer, TenantState.ACTIVE, GitAction.PLAN_CHANGE)), Optional.empty()));
      case PENDING, PROVISIONING -> Choice.none("the provisioning pipeline carries this change");
      default -> Choice.none("tenant is " + status.wire());
    };
  }

  private TenantPipeline provision() {
    return new TenantPipeline("provision", Set.of(TenantStatus.PROVISIONING), List.of(
        new GitCommitStep(writer, renderer, TenantState.ACTIVE, GitAction.PROVISION),
        steps.mysqlCreate(), steps.k8sPrepare(), steps.await(), steps.caInstall(),
        new SetStatusStep(TenantStatus.PROVISIONING, TenantStatus.ACTIVE)), Optional.of(TenantStatus.PROVISIONING));
  }

  private TenantPipeline sync(TenantState state, GitAction action, TenantStatus status) {
    return new TenantPipeline(action.trailer(), Set.of(status), List.of(
        new GitCommitStep(writer, renderer, state, action), steps.await()), Optional.empty());
  }

  private TenantPipeline delete() {
    return new TenantPipeline("delete", Set.of(TenantStatus.DELETING), List.of(
        new GitRemoveStep(writer), steps.gitopsGone(), new RetentionStep(), steps.mysqlDrop(),
        steps.namespaceDelete(), new SetStatusStep(TenantStatus.DELETING, TenantStatus.DELETED)), Optional.empty());
  }

  /** A pipeline to run, or why there is none. */
  public record Choice(Optional<TenantPipeline> pipeline, String reason) {
    static Choice of(TenantPipeline p) {
      return new Choice(Optional.of(p), "");
    }

    static Choice none(String reason) {
      return new Choice(Optional.empty(), reason);
    }
  }
}

package io.caprovisioner.backup;

import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.k8s.GitopsAwaitStep;
import io.caprovisioner.pipeline.GitCommitStep;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.TenantState;
import io.vertx.core.Future;
import java.time.OffsetDateTime;

/**
 * {@code restore.scale-down} and {@code restore.scale-up}: around the load of a restore, the site
 * scaled to zero and brought back, each by a commit ({@code Action: restore}) and Argo CD synced
 * to it, so nothing writes to the database or the media volume while they are replaced, and Git
 * records when the site was down. Their target is the newest requested restore.
 */
public final class RestoreScaleStep implements TenantStep {
  public static final String DOWN = "restore.scale-down";
  public static final String UP = "restore.scale-up";
  private final boolean down;
  private final GitCommitStep commit;
  private final GitopsAwaitStep await;

  private RestoreScaleStep(boolean down, GitCommitStep commit, GitopsAwaitStep await) {
    this.down = down;
    this.commit = commit;
    this.await = await;
  }

  public static RestoreScaleStep down(GitCommitStep commit, GitopsAwaitStep await) {
    return new RestoreScaleStep(true, commit, await);
  }

  public static RestoreScaleStep up(GitCommitStep commit, GitopsAwaitStep await) {
    return new RestoreScaleStep(false, commit, await);
  }

  @Override
  public String name() {
    return down ? DOWN : UP;
  }

  @Override
  public boolean idle(ReconcileContext ctx) {
    return ctx.tenant().restoreRequested() == 0;
  }

  @Override
  public String target(ReconcileContext ctx) {
    return "restore " + ctx.tenant().restoreRequested();
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    TenantDesired state = down ? ctx.desired().withState(TenantState.SUSPENDED) : ctx.desired();
    // the commit is idempotent (the repository already holding the state is no new commit): each look commits, then waits
    return commit.commit(ctx, state, GitAction.RESTORE).compose(committed -> {
      if (!(committed instanceof Outcome.Done c)) {
        return Future.succeededFuture(committed);
      }
      return await.awaitState(ctx, state, startedAt).map(synced -> synced instanceof Outcome.Done s
          ? Outcome.done((down ? "site scaled to zero for restore " : "site back after restore ")
              + ctx.tenant().restoreRequested() + ": " + c.message() + "; " + s.message())
          : synced);
    });
  }
}

package io.caprovisioner.pipeline;

import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitopsUnavailableException;
import io.caprovisioner.gitops.GitopsWriter;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.TenantDesired;
import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code git.commit}: push the tenant's desired state. Its target is the spec hash of that state,
 * so it runs again exactly when the state to deploy changed (a suspend, a resume, a new plan);
 * {@code argocd.await} then waits for the same hash.
 */
public final class GitCommitStep extends GuardedStep {
  public static final String NAME = "git.commit";
  private final GitopsWriter writer;
  private final TenantRenderer renderer;
  private final List<String> undoes;

  /**
   * @param undoes the deletion's steps, which must run again for a later deletion
   * @param breaker the gitops remote's
   */
  public GitCommitStep(GitopsWriter writer, TenantRenderer renderer, List<String> undoes, DependencyBreaker breaker) {
    super(breaker);
    this.writer = writer;
    this.renderer = renderer;
    this.undoes = List.copyOf(undoes);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String target(ReconcileContext ctx) {
    return renderer.render(ctx.desired()).specHash();
  }

  @Override
  public List<String> undoes() {
    return undoes;
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    GitAction fallback = ctx.tenant().deployedAt().isPresent() ? GitAction.PLAN_CHANGE : GitAction.PROVISION;
    return commit(ctx, ctx.desired(), fallback);
  }

  /** Commits {@code desired} rather than the recorded desired state (a restore's site scaled to zero, then back). */
  public Future<Outcome> commit(ReconcileContext ctx, TenantDesired desired, GitAction fallback) {
    // a git outage is a wait, like a MySQL or cluster outage: it costs no attempt
    return unlessUnreachable(() -> writer.write(desired, ctx.change(fallback))
        .map(sha -> Outcome.done(sha.map(s -> "committed " + s + " (" + desired.state().wire() + ")")
            .orElse("gitops repository already holds this state (" + desired.state().wire() + ")"))),
        e -> e instanceof GitopsUnavailableException, () -> "the gitops repository");
  }
}

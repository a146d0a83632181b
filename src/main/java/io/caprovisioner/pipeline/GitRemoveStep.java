package io.caprovisioner.pipeline;

import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitopsUnavailableException;
import io.caprovisioner.gitops.GitopsWriter;
import io.caprovisioner.jobs.Outcome;
import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.util.List;

/** {@code git.remove}: the tenant's folder goes; Argo CD prunes what it deployed. */
public final class GitRemoveStep extends GuardedStep {
  public static final String NAME = "git.remove";
  private final GitopsWriter writer;
  private final List<String> undoes;

  /** @param undoes the running tenant's git steps, which must run again after a resume */
  public GitRemoveStep(GitopsWriter writer, List<String> undoes, DependencyBreaker breaker) {
    super(breaker);
    this.writer = writer;
    this.undoes = List.copyOf(undoes);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String target(ReconcileContext ctx) {
    return "absent";
  }

  @Override
  public List<String> undoes() {
    return undoes;
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    return unlessUnreachable(() -> writer.remove(ctx.tenant().names(), ctx.change(GitAction.DELETE))
        .map(sha -> Outcome.done(sha.map(s -> "removed in " + s).orElse("already absent from the gitops repository"))),
        e -> e instanceof GitopsUnavailableException, () -> "the gitops repository");
  }
}

package io.caprovisioner.jobs;

import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitopsWriter;
import io.vertx.core.Future;
import java.time.OffsetDateTime;

/** {@code git.commit} of a deletion: the tenant's folder goes; Argo CD prunes what it deployed. */
public final class GitRemoveStep implements TenantStep {
  private final GitopsWriter writer;

  public GitRemoveStep(GitopsWriter writer) {
    this.writer = writer;
  }

  @Override
  public String name() {
    return GitCommitStep.NAME;
  }

  @Override
  public Future<Outcome> run(TenantWork work, OffsetDateTime startedAt) {
    return writer.remove(work.tenant().names(), work.change(GitAction.DELETE))
        .map(sha -> Outcome.done(sha.map(s -> "removed in " + s).orElse("already absent from the gitops repository")));
  }
}

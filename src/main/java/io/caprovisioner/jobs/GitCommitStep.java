package io.caprovisioner.jobs;

import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitopsWriter;
import io.caprovisioner.render.TenantDesired;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.TenantState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * {@code git.commit}: push the tenant's desired state. Remembers the spec hash it rendered in the
 * job, so {@code argocd.await} waits for exactly this spec even if the tenant changes meanwhile.
 */
public final class GitCommitStep implements TenantStep {
  public static final String NAME = "git.commit";
  private final GitopsWriter writer;
  private final TenantRenderer renderer;
  private final TenantState state;
  private final GitAction action;

  public GitCommitStep(GitopsWriter writer, TenantRenderer renderer, TenantState state, GitAction action) {
    this.writer = writer;
    this.renderer = renderer;
    this.state = state;
    this.action = action;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Outcome> run(TenantWork work, OffsetDateTime startedAt) {
    return work.desired(state).compose(desired -> {
      String specHash = renderer.render(desired).specHash();
      return writer.write(desired, work.change(action))
          .compose(sha -> work.pool().preparedQuery("UPDATE jobs SET payload = payload || $2 WHERE id = $1")
              .execute(Tuple.of(work.job().id(), new JsonObject().put(TenantWork.SPEC_HASH, specHash)))
              .map(r -> {
                work.payload().put(TenantWork.SPEC_HASH, specHash);
                return Outcome.done(sha.map(s -> "committed " + s + " (" + state.wire() + ")")
                    .orElse("gitops repository already holds this state (" + state.wire() + ")"));
              }));
    });
  }
}

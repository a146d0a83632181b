package io.caprovisioner.k8s;

import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.pipeline.ReconcileContext;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * {@code argocd.gone}: after the removal commit, waits until Argo CD has pruned the tenant's
 * Application (its finalizer deletes the workloads first), so data is never dropped under a
 * running site.
 */
public final class GitopsGoneStep implements TenantStep {
  private final Kube kube;
  private final GitopsResources resources;
  private final Duration poll;

  public GitopsGoneStep(Kube kube, GitopsResources resources, Duration poll) {
    this.kube = kube;
    this.resources = resources;
    this.poll = poll;
  }

  @Override
  public String name() {
    return resources.flux() ? "flux.gone" : "argocd.gone";
  }

  @Override
  public String target(ReconcileContext work) {
    return "absent";
  }

  @Override
  public Future<Outcome> run(ReconcileContext work, OffsetDateTime startedAt) {
    return kube.step(() -> resources.of(kube.client(), work.tenant().names()).get(), live -> live == null
        ? Outcome.done(resources.kind() + " " + work.tenant().names().namespace() + " is gone")
        : Outcome.waitFor(resources.kind() + " " + work.tenant().names().namespace() + " still exists"
            + (live.getMetadata().getDeletionTimestamp() != null ? " (being deleted)" : ""), poll));
  }
}

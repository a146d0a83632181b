package io.caprovisioner.k8s;

import io.caprovisioner.k8s.model.ApplicationReadiness;
import io.caprovisioner.k8s.model.HelmReleaseReadiness;

import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.StepFailure;
import io.caprovisioner.k8s.model.ApplicationReadiness.State;
import io.caprovisioner.k8s.model.ApplicationReadiness.Verdict;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.TenantDesired;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * {@code argocd.await} (or {@code flux.await}): polls until the tenant's Application carries the
 * spec of the desired state (pushed by {@code git.commit} just before) and Argo CD reports it synced and healthy. Argo CD retries failed syncs by
 * itself, so an error is only fatal once {@code timeout} has passed since the step began; then the
 * step fails with Argo CD's own message.
 */
public final class GitopsAwaitStep implements TenantStep {
  private final Kube kube;
  private final GitopsResources resources;
  private final TenantRenderer renderer;
  private final Duration poll;
  private final Duration timeout;

  public GitopsAwaitStep(Kube kube, GitopsResources resources, TenantRenderer renderer, Duration poll,
      Duration timeout) {
    this.kube = kube;
    this.resources = resources;
    this.renderer = renderer;
    this.poll = poll;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return resources.flux() ? "flux.await" : "argocd.await";
  }

  /** The spec hash of the desired state: the one {@code git.commit} pushed before this step. */
  @Override
  public String target(ReconcileContext work) {
    return renderer.render(work.desired()).specHash();
  }

  @Override
  public Future<Outcome> run(ReconcileContext work, OffsetDateTime startedAt) {
    return await(work, startedAt, target(work));
  }

  /** The same wait for another state than the desired one (a restore's site scaled to zero). */
  public Future<Outcome> awaitState(ReconcileContext work, TenantDesired state, OffsetDateTime startedAt) {
    return await(work, startedAt, renderer.render(state).specHash());
  }

  private Future<Outcome> await(ReconcileContext work, OffsetDateTime startedAt, String expected) {
    boolean late = OffsetDateTime.now().isAfter(startedAt.plus(timeout));
    return kube.step(() -> resources.of(kube.client(), work.tenant().names()).get(), live -> {
      Verdict v = resources.flux() ? HelmReleaseReadiness.of(live, expected) : ApplicationReadiness.of(live, expected);
      String what = resources.kind() + " " + work.tenant().names().namespace();
      if (v.state() == State.READY) {
        return Outcome.done(what + ": " + v.message());
      }
      if (late) {
        throw new StepFailure(what + " not ready after " + timeout.toMinutes() + " min: " + v.message());
      }
      return Outcome.waitFor(what + ": " + v.message(), poll);
    });
  }
}

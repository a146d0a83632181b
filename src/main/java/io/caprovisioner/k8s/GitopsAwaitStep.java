package io.caprovisioner.k8s;

import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.jobs.TenantStep;
import io.caprovisioner.jobs.TenantWork;
import io.caprovisioner.k8s.ApplicationReadiness.State;
import io.caprovisioner.k8s.ApplicationReadiness.Verdict;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.TenantState;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * {@code argocd.await} (or {@code flux.await}): polls until the tenant's Application carries the
 * spec this job pushed and Argo CD reports it synced and healthy. Argo CD retries failed syncs by
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

  @Override
  public Future<Outcome> run(TenantWork work, OffsetDateTime startedAt) {
    String pushed = work.payload().getString(TenantWork.SPEC_HASH);
    if (pushed != null) {
      return await(work, startedAt, pushed);
    }
    TenantState state = work.tenant().status() == TenantStatus.SUSPENDED ? TenantState.SUSPENDED : TenantState.ACTIVE;
    return work.desired(state).compose(desired -> await(work, startedAt, renderer.render(desired).specHash()));
  }

  private Future<Outcome> await(TenantWork work, OffsetDateTime startedAt, String expected) {
    boolean late = OffsetDateTime.now().isAfter(startedAt.plus(timeout));
    return kube.step(() -> resources.of(kube.client(), work.tenant().names()).get(), live -> {
      Verdict v = resources.flux() ? HelmReleaseReadiness.of(live, expected) : ApplicationReadiness.of(live, expected);
      String what = resources.kind() + " " + work.tenant().names().namespace();
      if (v.state() == State.READY) {
        return Outcome.done(what + ": " + v.message());
      }
      if (late) {
        throw new IllegalStateException(what + " not ready after " + timeout.toMinutes() + " min: " + v.message());
      }
      return Outcome.waitFor(what + ": " + v.message(), poll);
    });
  }
}

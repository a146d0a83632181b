package io.caprovisioner.k8s;

import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.TenantStep;
import io.caprovisioner.pipeline.ReconcileContext;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code k8s.delete}: after the retention period, the tenant namespace goes, and with it the
 * media volume Argo CD was told to keep ({@code Delete=false}) and the Secrets.
 */
public final class NamespaceDeleteStep implements TenantStep {
  private final Kube kube;
  private final Duration poll;
  private final List<String> undoes;

  /** @param undoes the steps whose effect goes with the namespace (its Secrets, the installed site) */
  public NamespaceDeleteStep(Kube kube, Duration poll, List<String> undoes) {
    this.kube = kube;
    this.poll = poll;
    this.undoes = List.copyOf(undoes);
  }

  @Override
  public String name() {
    return "k8s.delete";
  }

  @Override
  public List<String> undoes() {
    return undoes;
  }

  @Override
  public Future<Outcome> run(ReconcileContext work, OffsetDateTime startedAt) {
    String ns = work.tenant().names().namespace();
    return kube.step(() -> {
      var namespace = kube.client().namespaces().withName(ns);
      KubeApply.Result result = KubeApply.remove(namespace::get, live -> {
        if (live.getMetadata().getDeletionTimestamp() == null) {
          namespace.delete();
        }
      });
      return result == KubeApply.Result.ABSENT ? Outcome.done("namespace " + ns + " is gone")
          : Outcome.waitFor("namespace " + ns + " is being deleted", poll);
    });
  }
}

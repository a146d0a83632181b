package io.caprovisioner.pipeline;

import io.caprovisioner.k8s.GitopsResources;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.TenantDesired;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The test plays Argo CD and the Kubernetes Job controller against the mock API server (which
 * runs no controllers): it creates each committed tenant's Application with our spec-hash
 * annotation and a Synced / Healthy / Succeeded status, deletes the Applications of removed
 * tenants, and marks installer Jobs succeeded (or failed, for namespaces listed in failJobsIn), unless
 * {@link #jobWork} does a Job itself.
 */
public final class FakeControllers {
  private final KubernetesClient client;
  private final Supplier<Collection<TenantDesired>> committed;
  private final TenantRenderer renderer;
  public final Set<String> failJobsIn = ConcurrentHashMap.newKeySet();
  /**
   * A test that does a Job's work itself (the backup tests run the backup Job's script): true or
   * false is that Job's outcome; empty leaves it to the default (succeeded, or failJobsIn).
   */
  public volatile Function<Job, Optional<Boolean>> jobWork = job -> Optional.empty();

  FakeControllers(KubernetesClient client, FakeGitops gitops) {
    this(client, gitops.repo::values, gitops);
  }

  /** @param committed what the gitops repository holds now, as Argo CD would read it */
  public FakeControllers(KubernetesClient client, Supplier<Collection<TenantDesired>> committed,
      TenantRenderer renderer) {
    this.client = client;
    this.committed = committed;
    this.renderer = renderer;
  }

  public synchronized void reconcile() {
    var apps = client.genericKubernetesResources(GitopsResources.APPLICATION).inNamespace("argocd");
    Collection<TenantDesired> desired = committed.get();
    Set<String> applications = new java.util.HashSet<>();
    for (TenantDesired d : desired) {
      applications.add(d.names().application());
      String hash = renderer.render(d).specHash();
      GenericKubernetesResource live = apps.withName(d.names().application()).get();
      if (live == null || !hash.equals(live.getMetadata().getAnnotations().get(RenderedTenant.SPEC_HASH_ANNOTATION))) {
        Map<String, Object> source = Map.of("repoURL", "https://charts.example.org", "chart", "collectiveaccess",
            "helm", Map.of("valuesObject", Map.of("state", d.state().wire(), "plan", d.plan().name())));
        GenericKubernetesResource app = new GenericKubernetesResourceBuilder()
            .withApiVersion("argoproj.io/v1alpha1").withKind("Application")
            .withNewMetadata().withName(d.names().application()).withNamespace("argocd")
            .withAnnotations(Map.of(RenderedTenant.SPEC_HASH_ANNOTATION, hash)).endMetadata()
            .addToAdditionalProperties("spec", Map.of("source", source))
            .addToAdditionalProperties("status", Map.of(
                "sync", Map.of("status", "Synced", "comparedTo", Map.of("source", source)),
                "health", Map.of("status", "Healthy"),
                "operationState", Map.of("phase", "Succeeded", "syncResult", Map.of("source", source))))
            .build();
        if (live == null) {
          apps.resource(app).create();
        } else {
          app.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
          apps.resource(app).update();
        }
      }
    }
    for (GenericKubernetesResource app : apps.list().getItems()) {
      if (!applications.contains(app.getMetadata().getName())) {
        apps.withName(app.getMetadata().getName()).delete();
      }
    }
    List<Job> jobs = client.batch().v1().jobs().inAnyNamespace().list().getItems();
    for (Job job : jobs) {
      if (job.getStatus() == null || job.getStatus().getConditions() == null
          || job.getStatus().getConditions().isEmpty()) {
        boolean fail = jobWork.apply(job).map(ok -> !ok).orElse(failJobsIn.contains(job.getMetadata().getNamespace()));
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
            .editStatus(j -> {
              j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                  .withSucceeded(fail ? 0 : 1).withFailed(fail ? 1 : 0)
                  .withConditions(new JobConditionBuilder().withType(fail ? "Failed" : "Complete").withStatus("True")
                      .build()).build());
              return j;
            });
      }
    }
  }
}

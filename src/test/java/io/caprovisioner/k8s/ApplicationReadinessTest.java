package io.caprovisioner.k8s;

import io.caprovisioner.k8s.model.ApplicationReadiness;
import io.caprovisioner.k8s.model.HelmReleaseReadiness;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.k8s.model.ApplicationReadiness.State;
import io.caprovisioner.render.RenderedTenant;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplicationReadinessTest {
  private static final Map<String, Object> OURS = Map.of("chart", "collectiveaccess", "targetRevision", "0.1.0",
      "helm", Map.of("valuesObject", Map.of("state", "active")));
  private static final Map<String, Object> OLD = Map.of("chart", "collectiveaccess", "targetRevision", "0.1.0",
      "helm", Map.of("valuesObject", Map.of("state", "suspended")));

  static GenericKubernetesResource app(String hash, Map<String, Object> status) {
    return new GenericKubernetesResourceBuilder().withApiVersion("argoproj.io/v1alpha1").withKind("Application")
        .withNewMetadata().withName("tenant-a").withAnnotations(Map.of(RenderedTenant.SPEC_HASH_ANNOTATION, hash))
        .endMetadata().addToAdditionalProperties("spec", Map.of("source", OURS))
        .addToAdditionalProperties("status", status).build();
  }

  static Map<String, Object> status(String sync, Object comparedTo, String health, String phase, Object opSource) {
    return Map.of("sync", Map.of("status", sync, "comparedTo", Map.of("source", comparedTo)),
        "health", Map.of("status", health, "message", "Deployment has 0 available replicas"),
        "operationState", Map.of("phase", phase, "message", "one or more objects failed to apply",
            "syncResult", Map.of("source", opSource)));
  }

  @Test
  void readyOnlyWhenOurSpecIsSyncedHealthyAndItsLastSyncSucceeded() {
    assertThat(ApplicationReadiness.of(app("h1", status("Synced", OURS, "Healthy", "Succeeded", OURS)), "h1").state())
        .isEqualTo(State.READY);
  }

  @Test
  void anOlderSpecOrStatusComputedForAnOlderSpecIsNotReady() {
    // Argo CD has not picked up our commit yet (another tenant's commit moved the repo: irrelevant)
    assertThat(ApplicationReadiness.of(app("h0", status("Synced", OURS, "Healthy", "Succeeded", OURS)), "h1"))
        .satisfies(v -> {
          assertThat(v.state()).isEqualTo(State.WAITING);
          assertThat(v.message()).contains("still carries spec h0");
        });
    // new spec applied, but the Synced/Succeeded seen is still the previous sync's
    assertThat(ApplicationReadiness.of(app("h1", status("Synced", OLD, "Healthy", "Succeeded", OLD)), "h1").state())
        .isEqualTo(State.WAITING);
    assertThat(ApplicationReadiness.of(null, "h1").state()).isEqualTo(State.WAITING);
  }

  @Test
  void degradedFailedSyncAndErrorConditionsCarryArgoCdsOwnMessage() {
    assertThat(ApplicationReadiness.of(app("h1", status("Synced", OURS, "Degraded", "Succeeded", OURS)), "h1"))
        .isEqualTo(new ApplicationReadiness.Verdict(State.FAILING, "Degraded: Deployment has 0 available replicas"));
    assertThat(ApplicationReadiness.of(app("h1", status("OutOfSync", OURS, "Missing", "Failed", OURS)), "h1"))
        .isEqualTo(new ApplicationReadiness.Verdict(State.FAILING, "sync Failed: one or more objects failed to apply"));
    Map<String, Object> withError = new java.util.HashMap<>(status("Unknown", OURS, "Unknown", "Running", OURS));
    withError.put("conditions", List.of(Map.of("type", "ComparisonError", "message", "chart not found")));
    assertThat(ApplicationReadiness.of(app("h1", withError), "h1").message()).isEqualTo("ComparisonError: chart not found");
  }

  @Test
  void fluxReadyConditionCountsOnlyAtTheCurrentGeneration() {
    GenericKubernetesResource hr = new GenericKubernetesResourceBuilder().withApiVersion("helm.toolkit.fluxcd.io/v2")
        .withKind("HelmRelease").withNewMetadata().withName("tenant-a").withGeneration(3L)
        .withAnnotations(Map.of(RenderedTenant.SPEC_HASH_ANNOTATION, "h1")).endMetadata()
        .addToAdditionalProperties("status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True",
            "observedGeneration", 2, "message", "old")))).build();
    assertThat(HelmReleaseReadiness.of(hr, "h1").state()).isEqualTo(State.WAITING);
    hr.setAdditionalProperty("status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "False",
        "observedGeneration", 3, "reason", "UpgradeFailed", "message", "timed out waiting"))));
    assertThat(HelmReleaseReadiness.of(hr, "h1").state()).isEqualTo(State.FAILING);
    hr.setAdditionalProperty("status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True",
        "observedGeneration", 3, "message", "upgraded"))));
    assertThat(HelmReleaseReadiness.of(hr, "h1").state()).isEqualTo(State.READY);
  }
}

package io.caprovisioner.k8s.model;

import io.caprovisioner.k8s.model.ApplicationReadiness.State;
import io.caprovisioner.k8s.model.ApplicationReadiness.Verdict;
import io.caprovisioner.render.RenderedTenant;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Pure, Flux flavor: our spec hash, then the HelmRelease's Ready condition at its current generation. */
public final class HelmReleaseReadiness {
  private HelmReleaseReadiness() {
  }

  public static Verdict of(GenericKubernetesResource release, String expectedSpecHash) {
    if (release == null) {
      return new Verdict(State.WAITING, "the HelmRelease does not exist yet (Flux has not applied the gitops "
          + "repository)");
    }
    Map<String, String> annotations = release.getMetadata().getAnnotations();
    String hash = annotations == null ? null : annotations.get(RenderedTenant.SPEC_HASH_ANNOTATION);
    if (!Objects.equals(hash, expectedSpecHash)) {
      return new Verdict(State.WAITING, "the HelmRelease still carries spec " + hash + ", waiting for "
          + expectedSpecHash);
    }
    Long generation = release.getMetadata().getGeneration();
    List<Map<String, Object>> conditions = release.get("status", "conditions");
    if (conditions != null) {
      for (Map<String, Object> c : conditions) {
        if (!"Ready".equals(c.get("type"))) {
          continue;
        }
        Object observed = c.get("observedGeneration");
        boolean current = generation == null || (observed instanceof Number n && n.longValue() == generation);
        if (!current) {
          break;
        }
        if ("True".equals(c.get("status"))) {
          return new Verdict(State.READY, "Ready: " + c.get("message"));
        }
        String reason = String.valueOf(c.get("reason"));
        State state = reason.endsWith("Failed") ? State.FAILING : State.WAITING;
        return new Verdict(state, "Ready " + c.get("status") + " (" + reason + "): " + c.get("message"));
      }
    }
    return new Verdict(State.WAITING, "Ready not yet reported for generation " + generation);
  }
}

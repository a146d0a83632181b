package io.caprovisioner.k8s.model;

import io.caprovisioner.render.RenderedTenant;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pure: whether a live Argo CD Application is done with the spec we pushed. The gitops commit sha
 * cannot tell (the Application's own revision is the chart version, and other tenants' commits
 * move the repository), so: our spec-hash annotation first; then sync and health as Argo CD
 * computed them against that very spec ({@code status.sync.comparedTo.source} and the last
 * operation's {@code syncResult.source} equal to {@code spec.source}).
 */
public final class ApplicationReadiness {
  private ApplicationReadiness() {
  }

  /** READY; WAITING (still converging); FAILING (Argo CD reports an error: fatal after the timeout). */
  public enum State { READY, WAITING, FAILING }

  public record Verdict(State state, String message) {
  }

  public static Verdict of(GenericKubernetesResource app, String expectedSpecHash) {
    if (app == null) {
      return new Verdict(State.WAITING, "the Application does not exist yet (Argo CD has not synced the gitops "
          + "repository)");
    }
    Map<String, String> annotations = app.getMetadata().getAnnotations();
    String hash = annotations == null ? null : annotations.get(RenderedTenant.SPEC_HASH_ANNOTATION);
    if (!Objects.equals(hash, expectedSpecHash)) {
      return new Verdict(State.WAITING, "the Application still carries spec " + hash + ", waiting for "
          + expectedSpecHash);
    }
    Object source = app.get("spec", "source");
    Object sources = app.get("spec", "sources");
    String sync = app.get("status", "sync", "status");
    String health = app.get("status", "health", "status");
    String healthMessage = app.get("status", "health", "message");
    String phase = app.get("status", "operationState", "phase");
    String opMessage = app.get("status", "operationState", "message");
    boolean comparedToOurs = sameSource(app, source, sources, "status", "sync", "comparedTo");
    boolean operationOnOurs = sameSource(app, source, sources, "status", "operationState", "syncResult");

    List<Map<String, Object>> conditions = app.get("status", "conditions");
    if (conditions != null) {
      for (Map<String, Object> c : conditions) {
        String type = String.valueOf(c.get("type"));
        if (type.endsWith("Error")) {
          return new Verdict(State.FAILING, type + ": " + c.get("message"));
        }
      }
    }
    if (operationOnOurs && ("Failed".equals(phase) || "Error".equals(phase))) {
      return new Verdict(State.FAILING, "sync " + phase + ": " + opMessage);
    }
    if (comparedToOurs && "Degraded".equals(health)) {
      return new Verdict(State.FAILING, "Degraded" + (healthMessage == null ? "" : ": " + healthMessage));
    }
    if (comparedToOurs && operationOnOurs && "Synced".equals(sync) && "Healthy".equals(health)
        && "Succeeded".equals(phase)) {
      return new Verdict(State.READY, "Synced, Healthy, last sync Succeeded");
    }
    return new Verdict(State.WAITING, "sync " + sync + (comparedToOurs ? "" : " (not yet compared to this spec)")
        + ", health " + health + ", last operation " + phase + (operationOnOurs ? "" : " (not on this spec)"));
  }

  private static boolean sameSource(GenericKubernetesResource app, Object source, Object sources, String... path) {
    Object[] s = append(path, "source");
    Object[] ss = append(path, "sources");
    return (source == null || Objects.equals(source, app.get(s))) && (sources == null || Objects.equals(sources,
        app.get(ss))) && (source != null || sources != null);
  }

  private static Object[] append(String[] path, String last) {
    Object[] out = new Object[path.length + 1];
    System.arraycopy(path, 0, out, 0, path.length);
    out[path.length] = last;
    return out;
  }
}

package io.caprovisioner.pipeline;

/** What a tenant step may find missing here: each has one breaker ({@link DependencyBreakers}). */
public enum Dependency {
  MYSQL("mysql", "the shared MySQL"),
  KUBERNETES("kubernetes", "the Kubernetes API"),
  GITOPS("gitops", "the gitops repository");

  private final String wire;
  private final String title;

  Dependency(String wire, String title) {
    this.wire = wire;
    this.title = title;
  }

  /** As stored in {@code jobs.parked_on} and {@code job_dependency_wakes}. */
  public String wire() {
    return wire;
  }

  public static java.util.Optional<Dependency> fromWire(String wire) {
    for (Dependency d : values()) {
      if (d.wire.equals(wire)) {
        return java.util.Optional.of(d);
      }
    }
    return java.util.Optional.empty();
  }

  /** For log lines. */
  public String title() {
    return title;
  }
}

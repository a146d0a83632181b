package io.caprovisioner.lifecycle;

/** A request the tenant's current state refuses; {@link Kind} decides the HTTP status. */
public class LifecycleException extends RuntimeException {
  public enum Kind { NOT_FOUND, CONFLICT, INVALID }

  private final Kind kind;

  public LifecycleException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static LifecycleException notFound(String what) {
    return new LifecycleException(Kind.NOT_FOUND, what);
  }

  public static LifecycleException conflict(String what) {
    return new LifecycleException(Kind.CONFLICT, what);
  }

  public static LifecycleException invalid(String what) {
    return new LifecycleException(Kind.INVALID, what);
  }
}

package io.caprovisioner.k8s;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way the steps apply a Kubernetes object: compare what exists with what is wanted, then
 * create, patch, delete or leave it. Losing a create race (Argo CD's {@code CreateNamespace=true}
 * makes the same namespace) is not an error: a 409 re-reads the object and patches it, so it costs
 * no attempt. Blocking: call it inside {@link Kube#step}.
 */
public final class KubeApply {
  /** What an apply did, for the step's message. */
  public enum Result {
    CREATED, PATCHED, UNCHANGED, DELETED, ABSENT;

    public boolean changed() {
      return this == CREATED || this == PATCHED || this == DELETED;
    }
  }

  private KubeApply() {
  }

  /**
   * @param current  reads the live object, null when there is none
   * @param create   creates the desired object (throws a 409 when someone else just did)
   * @param upToDate whether the live object already is as desired (only our fields count)
   * @param patch    changes only our fields of the live object
   */
  public static <T> Result apply(Supplier<T> current, Runnable create, Predicate<T> upToDate, Consumer<T> patch) {
    T live = current.get();
    if (live == null) {
      try {
        create.run();
        return Result.CREATED;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        live = current.get();
        if (live == null) {
          throw e; // created and gone again at once: let the next attempt look
        }
      }
    }
    if (upToDate.test(live)) {
      return Result.UNCHANGED;
    }
    patch.accept(live);
    return Result.PATCHED;
  }

  /** Desired absent: deletes the live object if there is one. */
  public static <T> Result remove(Supplier<T> current, Consumer<T> delete) {
    T live = current.get();
    if (live == null) {
      return Result.ABSENT;
    }
    delete.accept(live);
    return Result.DELETED;
  }
}

package io.caprovisioner.k8s;

import io.caprovisioner.jobs.Errors;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.DependencyBreaker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * fabric8 calls for the steps: run on a worker executor (the client blocks), and "cannot reach
 * the API server" turned into a wait that names the reason, not a failure that uses attempts:
 * the cluster's breaker opens and parks the tenant; while it is open, steps do not call at all.
 */
public final class Kube {
  private final KubernetesClient client;
  private final WorkerExecutor workers;
  private final DependencyBreaker breaker;

  public Kube(KubernetesClient client, WorkerExecutor workers, DependencyBreaker breaker) {
    this.client = client;
    this.workers = workers;
    this.breaker = breaker;
  }

  public KubernetesClient client() {
    return client;
  }

  /** Runs blocking fabric8 work off the event loop; unordered, so tenants do not queue behind each other. */
  public <T> Future<T> call(Callable<T> work) {
    return workers.executeBlocking(work, false);
  }

  /** Where an operator learns to give the service a cluster; a new user's dev mode has none. */
  static final String CLUSTER_HELP = "see \"Running against a cluster\" in the README";

  /** Like {@link #call}, then: unreachable cluster → parked with the reason; breaker open → parked without calling. */
  public Future<Outcome> step(Callable<Outcome> work) {
    var down = breaker.downReason();
    if (down.isPresent()) {
      return Future.succeededFuture(breaker.park(down.get()));
    }
    return call(work).recover(e -> unreachable(e)
        ? Future.succeededFuture(breaker.unreachable("Kubernetes API at " + client.getMasterUrl()
            + " is unreachable: " + Errors.message(rootCause(e)) + " (" + CLUSTER_HELP + ")"))
        : Future.failedFuture(e));
  }

  /** For the cluster's breaker: succeeds when the API server answers at all (an error status is an answer). */
  public static Future<Void> probe(KubernetesClient client, WorkerExecutor workers) {
    return workers.<Void>executeBlocking(() -> {
      client.namespaces().withName("kube-system").get();
      return null;
    }, false).recover(e -> unreachable(e) ? Future.failedFuture(e) : Future.succeededFuture());
  }

  public <T> Future<Outcome> step(Callable<T> work, Function<T, Outcome> then) {
    return step(() -> then.apply(work.call()));
  }

  static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() > 0) {
        return false; // the server answered
      }
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}

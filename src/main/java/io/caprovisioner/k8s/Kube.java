package io.caprovisioner.k8s;

import io.caprovisioner.jobs.Errors;
import io.caprovisioner.jobs.Outcome;
import io.fabric8.kubernetes.api.model.Pod;
import io.caprovisioner.pipeline.DependencyBreaker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
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
    return parkedOr(() -> call(work).recover(this::waitIfUnreachable));
  }

  /** Like {@link #step(Callable)}, with {@code then} continuing off the worker (fenced writes, further calls). */
  public <T> Future<Outcome> stepThen(Callable<T> work, Function<T, Future<Outcome>> then) {
    return parkedOr(() -> call(work).transform(ar -> ar.succeeded() ? then.apply(ar.result())
        : waitIfUnreachable(ar.cause())));
  }

  /** While the cluster's breaker is open, parked without calling. */
  private Future<Outcome> parkedOr(java.util.function.Supplier<Future<Outcome>> attempt) {
    var down = breaker.downReason();
    return down.isPresent() ? Future.succeededFuture(breaker.park(down.get())) : attempt.get();
  }

  private Future<Outcome> waitIfUnreachable(Throwable e) {
    return unreachable(e)
        ? Future.succeededFuture(breaker.unreachable("Kubernetes API at " + client.getMasterUrl()
            + " is unreachable: " + Errors.message(rootCause(e)) + " (" + CLUSTER_HELP + ")"))
        : Future.failedFuture(e);
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

  /** The last lines of a Job's newest pod's log. Best effort: the pod may be gone, or logs not served (the mock API server has none). */
  public String logTail(String namespace, String jobName, int lines) {
    try {
      List<Pod> pods = client.pods().inNamespace(namespace).withLabel("job-name", jobName).list().getItems();
      if (pods.isEmpty()) {
        return "";
      }
      String log = client.pods().inNamespace(namespace).withName(pods.get(pods.size() - 1).getMetadata().getName())
          .tailingLines(lines).getLog();
      return log == null ? "" : log.strip();
    } catch (RuntimeException e) {
      return "(log not available: " + e.getMessage() + ")";
    }
  }
}

package io.caprovisioner.k8s;

import io.caprovisioner.jobs.Errors;
import io.caprovisioner.jobs.Outcome;
import io.fabric8.kubernetes.api.model.Pod;
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
 * the API server" turned into a wait that names the reason, not a failure that uses attempts.
 */
public final class Kube {
  private final KubernetesClient client;
  private final WorkerExecutor workers;
  private final Duration retry;

  public Kube(KubernetesClient client, WorkerExecutor workers, Duration retry) {
    this.client = client;
    this.workers = workers;
    this.retry = retry;
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

  /** Like {@link #call}, then: unreachable cluster → wait with the reason. */
  public Future<Outcome> step(Callable<Outcome> work) {
    return call(work).recover(this::waitIfUnreachable);
  }

  /** Like {@link #step(Callable)}, with {@code then} continuing off the worker (fenced writes, further calls). */
  public <T> Future<Outcome> stepThen(Callable<T> work, Function<T, Future<Outcome>> then) {
    return call(work).transform(ar -> ar.succeeded() ? then.apply(ar.result()) : waitIfUnreachable(ar.cause()));
  }

  private Future<Outcome> waitIfUnreachable(Throwable e) {
    return unreachable(e)
        ? Future.succeededFuture(Outcome.waitFor("Kubernetes API at " + client.getMasterUrl()
            + " is unreachable: " + Errors.message(rootCause(e)) + " (" + CLUSTER_HELP + ")", retry))
        : Future.failedFuture(e);
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

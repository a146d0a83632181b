package io.caprovisioner.k8s;

import io.caprovisioner.config.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The fabric8 client for the service. KUBERNETES_IN_CLUSTER=true: only the pod's service account
 * (a stray kubeconfig in the image must not redirect us); otherwise fabric8's defaults (KUBECONFIG,
 * ~/.kube/config, then the service account). Building the client does not contact the cluster;
 * an unreachable cluster shows up as a waiting step.
 */
public final class KubernetesClients {
  static final int CONNECT_TIMEOUT_MS = 5_000;
  static final int REQUEST_TIMEOUT_MS = 10_000;

  private KubernetesClients() {
  }

  public static KubernetesClient create(Config.Kubernetes config) {
    if (config.inCluster()) {
      // fabric8 reads this switch when auto-configuring; it only affects the kubeconfig lookup
      System.setProperty(io.fabric8.kubernetes.client.Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
    }
    io.fabric8.kubernetes.client.Config auto = io.fabric8.kubernetes.client.Config.autoConfigure(null);
    // No retries inside a call and short timeouts: the reconcile retries with backoff itself, and a
    // cluster that is down or hangs must cost a step seconds, not fabric8's default of minutes,
    // while other tenants wait for a worker.
    auto.setRequestRetryBackoffLimit(0);
    auto.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    auto.setRequestTimeout(REQUEST_TIMEOUT_MS);
    return new KubernetesClientBuilder().withConfig(auto).build();
  }
}

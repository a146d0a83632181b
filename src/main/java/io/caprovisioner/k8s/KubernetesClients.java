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
  private KubernetesClients() {
  }

  public static KubernetesClient create(Config.Kubernetes config) {
    if (config.inCluster()) {
      // fabric8 reads this switch when auto-configuring; it only affects the kubeconfig lookup
      System.setProperty(io.fabric8.kubernetes.client.Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
    }
    return new KubernetesClientBuilder().withConfig(io.fabric8.kubernetes.client.Config.autoConfigure(null)).build();
  }
}

package io.caprovisioner.k8s;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.GitopsFlavor;
import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Where the GitOps controller's per-tenant object lives: the Argo CD Application
 * {@code tenant-<id>} in ARGOCD_NAMESPACE, or (flavor flux) the HelmRelease {@code tenant-<id>}
 * in flux-system, as the gitops templates render them.
 */
public final class GitopsResources {
  public static final ResourceDefinitionContext APPLICATION = new ResourceDefinitionContext.Builder()
      .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Application").withPlural("applications")
      .withNamespaced(true).build();
  public static final ResourceDefinitionContext HELM_RELEASE = new ResourceDefinitionContext.Builder()
      .withGroup("helm.toolkit.fluxcd.io").withVersion("v2").withKind("HelmRelease").withPlural("helmreleases")
      .withNamespaced(true).build();
  public static final String FLUX_NAMESPACE = "flux-system";

  private final Config.Gitops gitops;

  public GitopsResources(Config.Gitops gitops) {
    this.gitops = gitops;
  }

  public boolean flux() {
    return gitops.flavor() == GitopsFlavor.FLUX;
  }

  public String kind() {
    return flux() ? "HelmRelease" : "Application";
  }

  public Resource<GenericKubernetesResource> of(KubernetesClient client, TenantNames names) {
    return flux()
        ? client.genericKubernetesResources(HELM_RELEASE).inNamespace(FLUX_NAMESPACE).withName(names.helmRelease())
        : client.genericKubernetesResources(APPLICATION).inNamespace(gitops.argocdNamespace())
            .withName(names.application());
  }
}

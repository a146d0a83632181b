package io.caprovisioner.k8s.model;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * Pure: what every Job the runner starts in a tenant namespace needs to pass the namespace's Pod
 * Security level {@code restricted} (non-root, no privilege escalation, no capabilities, the
 * runtime's seccomp profile), as the site's own pods run: as www-data (33), the owner of the
 * media volume's files.
 */
public final class RestrictedPod {
  /** www-data in Debian-based images: the site's user (the chart's securityContext), owner of its files. */
  public static final long SITE_UID = 33;
  /** A finished Job stays this long for operators to read its log; the step has long recorded it. */
  public static final int TTL_SECONDS_AFTER_FINISHED = 24 * 3600;

  private RestrictedPod() {
  }

  public static PodSecurityContext pod() {
    return new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(SITE_UID).withRunAsGroup(SITE_UID)
        .withFsGroup(SITE_UID).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
  }

  /** @param readOnlyRoot false for CollectiveAccess' image, which writes inside its own tree */
  public static SecurityContext container(boolean readOnlyRoot) {
    return new SecurityContextBuilder().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(readOnlyRoot)
        .withRunAsNonRoot(true).withNewCapabilities().withDrop("ALL").endCapabilities().build();
  }

  /** Requests the scheduler reserves and the memory the container may not exceed (a ResourceQuota needs both). */
  public static ResourceRequirements resources(String cpuRequest, String memoryRequest, String cpuLimit,
      String memoryLimit) {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(cpuRequest)).addToRequests("memory", new Quantity(memoryRequest))
        .addToLimits("cpu", new Quantity(cpuLimit)).addToLimits("memory", new Quantity(memoryLimit)).build();
  }
}

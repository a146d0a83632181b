package io.caprovisioner.repotools;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.ConfigLoader;
import io.caprovisioner.config.RenderSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration of {@code tenant new}, {@code tenant render} and {@code validate}: the
 * rendering settings of the service from the same environment variables (BASE_DOMAIN, HELM_CHART_*,
 * GITOPS_FLAVOR, GITOPS_TEMPLATE_DIR, PLANS_FILE, CA_DOCKER_IMAGE, CA_CERT_ISSUER, ARGOCD_NAMESPACE),
 * loaded in {@link ConfigLoader#loadForOfflineTools offline mode}: no database, no secret read or
 * generated, nothing written to PROVISIONER_HOME or the repository.
 */
public final class OfflineToolConfig {
  private OfflineToolConfig() {
  }

  public static Config load(Map<String, String> env) {
    return ConfigLoader.loadForOfflineTools(env);
  }

  /** With the settings committed in {@code repo} ({@link RenderSettings#FILE}), when it has them. */
  public static Config load(Map<String, String> env, Path repo) {
    return ConfigLoader.loadForOfflineTools(RenderSettings.apply(env, repo));
  }
}

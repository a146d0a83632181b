package io.caprovisioner.config;

import io.caprovisioner.tenant.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * The service's rendering settings, committed in the gitops repository as {@value #FILE} so that
 * {@code validate} in the repository's CI, {@code tenant new} and {@code tenant render} render
 * the same bytes as the service without anyone copying environment variables around. The plan
 * catalogue is part of it (resources and storage are rendered). Nothing secret is in it.
 */
public final class RenderSettings {
  public static final String FILE = "ca-provisioner.yaml";
  /** What changes rendered files; every other variable is ignored by the offline tools. */
  static final List<String> KEYS = List.of("BASE_DOMAIN", "GITOPS_FLAVOR", "HELM_CHART_REPO", "HELM_CHART_NAME",
      "HELM_CHART_VERSION", "HELM_CHART_PATH", "CA_DOCKER_IMAGE", "CA_CERT_ISSUER", "ARGOCD_NAMESPACE",
      "STRIPE_LIVEMODE", "GITOPS_WEB_URL", "GITOPS_TEMPLATE_DIR");
  private static final String HEADER = """
      # ca-provisioner's rendering settings for this repository, read by `ca-provisioner validate`,
      # `tenant new` and `tenant render` (and so by CI). Written by the service when it initialised the
      # repository, or by `ca-provisioner tenant settings`. Change it by pull request together with
      # the service's configuration, then run `ca-provisioner tenant render`. No secrets here.
      # GITOPS_TEMPLATE_DIR, when used, is a folder of this repository (a relative path).
      """;

  private RenderSettings() {
  }

  /** The file's text for {@code config}: its effective settings, not its environment. */
  public static String text(Config config) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("BASE_DOMAIN", config.tenants().baseDomain());
    settings.put("GITOPS_FLAVOR", config.gitops().flavor().wire());
    settings.put("HELM_CHART_REPO", config.chart().repoUrl());
    settings.put("HELM_CHART_NAME", config.chart().name());
    settings.put("HELM_CHART_VERSION", config.chart().version());
    config.chart().path().ifPresent(p -> settings.put("HELM_CHART_PATH", p));
    settings.put("CA_DOCKER_IMAGE", config.tenants().image());
    settings.put("CA_CERT_ISSUER", config.tenants().certIssuer());
    settings.put("ARGOCD_NAMESPACE", config.gitops().argocdNamespace());
    // the service may have decided test mode from its key, which the offline tools never see
    settings.put("STRIPE_LIVEMODE", String.valueOf(!config.stripe().testMode()));
    config.gitops().webUrl().ifPresent(u -> settings.put("GITOPS_WEB_URL", u));

    List<Object> plans = new ArrayList<>();
    for (Plan p : config.plans().all()) {
      Map<String, Object> plan = new LinkedHashMap<>();
      plan.put("name", p.name());
      plan.put("displayName", p.displayName());
      plan.put("price", Map.of("amount", p.monthlyPrice(), "currency", p.currency()));
      Plan.Resources r = p.resources();
      Map<String, Object> resources = new LinkedHashMap<>();
      resources.put("cpuRequest", r.cpuRequest());
      resources.put("memoryRequest", r.memoryRequest());
      resources.put("cpuLimit", r.cpuLimit());
      resources.put("memoryLimit", r.memoryLimit());
      plan.put("resources", resources);
      plan.put("storage", p.storage());
      plan.put("caProfile", p.caProfile());
      plan.put("stripePriceIds", p.stripePriceIds());
      plans.add(plan);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("settings", settings);
    root.put("plans", plans);
    return HEADER + new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build()).dumpToString(root);
  }

  /**
   * {@code env} with the settings of {@code repo}'s {@value #FILE}, when there is one. A variable
   * set in {@code env} to another value is refused rather than preferred: either way one side
   * would render files that differ from the other's.
   */
  public static Map<String, String> apply(Map<String, String> env, Path repo) {
    Path file = repo.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return env;
    }
    Object root;
    try {
      root = new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(file + " cannot be read: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> top) || !(top.get("settings") instanceof Map<?, ?> settings)) {
      throw new ConfigException(file + ": expected a 'settings' mapping");
    }
    Map<String, String> merged = new LinkedHashMap<>(env);
    for (Map.Entry<?, ?> e : settings.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!KEYS.contains(key)) {
        throw new ConfigException(file + ": unknown setting " + key + " (known: " + String.join(", ", KEYS) + ")");
      }
      String value = String.valueOf(e.getValue());
      if (key.equals("GITOPS_TEMPLATE_DIR")) {
        value = repo.resolve(value).toString();
      }
      put(merged, key, value, file);
    }
    if (top.get("plans") != null) {
      // PlansFile reads the 'plans' list of this same file and ignores the rest
      put(merged, "PLANS_FILE", file.toString(), file);
    }
    return merged;
  }

  private static void put(Map<String, String> merged, String key, String value, Path file) {
    String set = merged.get(key);
    if (set != null && !set.isBlank() && !set.trim().equals(value)) {
      throw new ConfigException(key + " is '" + set.trim() + "' in the environment but '" + value + "' in " + file
          + "; unset it, or change the file by pull request");
    }
    merged.put(key, value);
  }
}

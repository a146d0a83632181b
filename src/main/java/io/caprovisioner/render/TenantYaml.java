package io.caprovisioner.render;

import io.caprovisioner.tenant.TenantDesired;

import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.ContactRules;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads a tenant.yaml (apiVersion {@code caprovisioner.io/v1}, kind {@code Tenant}) back into a
 * {@link TenantDesired}. Pure; shared by the service, {@code ca-provisioner validate} and the git
 * import, so every error names the field a person has to fix. Stricter than the JSON schema in
 * the skeleton: plans come from configuration and names must derive from {@code spec.id}.
 */
public final class TenantYaml {
  public static final String API_VERSION = "caprovisioner.io/v1";
  public static final String KIND = "Tenant";
  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
  private static final Set<String> METADATA = Set.of("name");
  private static final Set<String> SPEC = Set.of("id", "plan", "state", "source", "domain", "adminEmail",
      "chartVersion", "image", "stripeCustomer");
  private static final Pattern CHART_VERSION = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$");

  private TenantYaml() {
  }

  /**
   * @param plans  the plans on sale ({@code spec.plan} must name one)
   * @param config for BASE_DOMAIN, from which {@code spec.domain} must derive
   * @throws TenantYamlException naming the first field that is wrong
   */
  public static TenantDesired parse(String text, PlanCatalog plans, Config config) {
    Map<?, ?> root = mapping(single(text), "");
    onlyKnown(root, TOP, "");
    expect(root, "apiVersion", API_VERSION);
    expect(root, "kind", KIND);
    Map<?, ?> metadata = mapping(root.get("metadata"), "metadata");
    onlyKnown(metadata, METADATA, "metadata.");
    Map<?, ?> spec = mapping(root.get("spec"), "spec");
    onlyKnown(spec, SPEC, "spec.");

    String id = required(spec, "id");
    TenantNames names;
    try {
      names = TenantNames.of(id, config.tenants().baseDomain());
    } catch (IllegalArgumentException e) {
      throw new TenantYamlException("spec.id", e.getMessage());
    }
    String name = required(metadata, "name", "metadata.name");
    if (!name.equals(names.namespace())) {
      throw new TenantYamlException("metadata.name", "must be " + names.namespace() + " (tenant- and spec.id), not "
          + name);
    }
    String planName = required(spec, "plan");
    Plan plan = plans.byName(planName).orElseThrow(() -> new TenantYamlException("spec.plan",
        "unknown plan '" + planName + "' (known: " + String.join(", ", plans.names()) + ")"));
    TenantState state = oneOf(spec, "state", "active", "suspended").equals("active") ? TenantState.ACTIVE
        : TenantState.SUSPENDED;
    TenantSource source = TenantSource.fromWire(oneOf(spec, "source", "stripe", "manual"));
    String domain = required(spec, "domain");
    if (!domain.equals(names.domain())) {
      throw new TenantYamlException("spec.domain", "must be " + names.domain()
          + " (derived from spec.id and BASE_DOMAIN), not " + domain);
    }
    Optional<String> adminEmail = optional(spec, "adminEmail");
    if (adminEmail.isPresent()) {
      if (source != TenantSource.MANUAL) {
        throw new TenantYamlException("spec.adminEmail", "only manual tenants may name an admin contact in git");
      }
      if (!ContactRules.isEmail(adminEmail.get())) {
        throw new TenantYamlException("spec.adminEmail", "is not an email address: " + adminEmail.get());
      }
    }
    Optional<String> chartVersion = optional(spec, "chartVersion");
    if (chartVersion.isPresent() && !CHART_VERSION.matcher(chartVersion.get()).matches()) {
      throw new TenantYamlException("spec.chartVersion", "must match " + CHART_VERSION.pattern());
    }
    Optional<String> image = optional(spec, "image");
    if (image.isPresent()) {
      try {
        ImageReference.parse(image.get());
      } catch (IllegalArgumentException e) {
        throw new TenantYamlException("spec.image", "must be repository:tag: " + image.get());
      }
    }
    Optional<String> stripeCustomer = optional(spec, "stripeCustomer");
    if (stripeCustomer.isPresent() && !ContactRules.isStripeCustomerId(stripeCustomer.get())) {
      throw new TenantYamlException("spec.stripeCustomer", "must be a Stripe customer id (cus_...)");
    }
    return new TenantDesired(names, plan, state, source, chartVersion, stripeCustomer, adminEmail, image);
  }

  private static Object single(String text) {
    List<Object> documents = new ArrayList<>();
    try {
      LoadSettings settings = LoadSettings.builder().setLabel("tenant.yaml").setAllowDuplicateKeys(false)
          .setMaxAliasesForCollections(0).build();
      new Load(settings).loadAllFromString(text).forEach(documents::add);
    } catch (YamlEngineException e) {
      throw new TenantYamlException("", "not valid YAML: " + e.getMessage());
    }
    documents.removeIf(d -> d == null);
    if (documents.size() != 1) {
      throw new TenantYamlException("", "must hold exactly one YAML document, found " + documents.size());
    }
    return documents.get(0);
  }

  private static Map<?, ?> mapping(Object value, String field) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new TenantYamlException(field, value == null ? "is missing" : "must be a mapping");
    }
    return map;
  }

  private static void onlyKnown(Map<?, ?> map, Set<String> known, String prefix) {
    for (Object key : map.keySet()) {
      if (!known.contains(String.valueOf(key))) {
        throw new TenantYamlException(prefix + key, "unknown field (known: " + new TreeSet<>(known) + ")");
      }
    }
  }

  private static void expect(Map<?, ?> map, String key, String wanted) {
    String value = required(map, key, key);
    if (!value.equals(wanted)) {
      throw new TenantYamlException(key, "must be " + wanted + ", not " + value);
    }
  }

  private static String required(Map<?, ?> spec, String key) {
    return required(spec, key, "spec." + key);
  }

  private static String required(Map<?, ?> map, String key, String field) {
    return text(map, key, field).orElseThrow(() -> new TenantYamlException(field, "is missing"));
  }

  private static Optional<String> optional(Map<?, ?> spec, String key) {
    return text(spec, key, "spec." + key);
  }

  private static Optional<String> text(Map<?, ?> map, String key, String field) {
    Object value = map.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw new TenantYamlException(field, "must be text (quote it), not " + value);
    }
    if (s.isBlank()) {
      throw new TenantYamlException(field, "is empty");
    }
    return Optional.of(s);
  }

  private static String oneOf(Map<?, ?> spec, String key, String... allowed) {
    String value = required(spec, key);
    if (!List.of(allowed).contains(value)) {
      throw new TenantYamlException("spec." + key, "must be one of " + String.join(", ", allowed) + ", not " + value);
    }
    return value;
  }
}

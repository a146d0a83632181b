package io.caprovisioner.render;

import io.caprovisioner.config.Config;
import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantState;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the placeholders of the templates stand for, for one tenant. A value is text, a boolean,
 * or a YAML node (only {@code values}); a name without a value (an optional field that is empty)
 * makes the template entry that uses it disappear.
 */
final class TemplateValues {
  static final String VALUES = "values";
  static final String ADMIN_EMAIL = "tenant.adminEmail";
  static final String STRIPE_DASHBOARD = "https://dashboard.stripe.com/customers/";
  /** Test-mode customers are only found under /test/ in the dashboard. */
  static final String STRIPE_TEST_DASHBOARD = "https://dashboard.stripe.com/test/customers/";

  /** Every name a template may use; see gitops-template/README.md. */
  static final Set<String> NAMES = Set.copyOf(new TreeSet<>(Set.of(
      "tenant.id", "tenant.namespace", "tenant.appName", "tenant.domain", "tenant.url", "tenant.state",
      "tenant.source", "tenant.suspended", ADMIN_EMAIL, "tenant.chartVersion", "tenant.image",
      "plan.name", "plan.displayName", "plan.cpuRequest", "plan.memoryRequest", "plan.cpuLimit",
      "plan.memoryLimit", "plan.storage",
      "stripe.customer", "stripe.customerUrl",
      "chart.repoUrl", "chart.version", "chart.name", "chart.path", "chart.ref", "chart.sourceKind",
      "chart.helmVersion", "chart.gitTag",
      "image.repository", "image.tag",
      "config.certIssuer", "config.argocdNamespace",
      "gitops.folderUrl",
      VALUES)));

  private final Map<String, Object> values;

  private TemplateValues(Map<String, Object> values) {
    this.values = values;
  }

  static TemplateValues of(TenantDesired desired, Config config) {
    TenantNames names = desired.names();
    Plan plan = desired.plan();
    Config.Chart chart = config.chart();
    ImageReference image = ImageReference.parse(desired.image().orElse(config.tenants().image()));
    String version = desired.chartVersion().orElse(chart.version());

    Map<String, Object> v = new HashMap<>();
    v.put("tenant.id", names.id());
    v.put("tenant.namespace", names.namespace());
    v.put("tenant.appName", names.appName());
    v.put("tenant.domain", names.domain());
    v.put("tenant.url", "https://" + names.domain());
    v.put("tenant.state", desired.state().wire());
    v.put("tenant.source", desired.source().wire());
    v.put("tenant.suspended", desired.state() == TenantState.SUSPENDED);
    // the one piece of personal data git may hold: a staff-chosen contact of a manual tenant
    if (desired.source() == TenantSource.MANUAL) {
      desired.adminEmail().ifPresent(e -> v.put(ADMIN_EMAIL, e));
    }
    desired.chartVersion().ifPresent(c -> v.put("tenant.chartVersion", c));
    desired.image().ifPresent(i -> v.put("tenant.image", i));
    v.put("plan.name", plan.name());
    v.put("plan.displayName", plan.displayName());
    v.put("plan.cpuRequest", plan.resources().cpuRequest());
    v.put("plan.memoryRequest", plan.resources().memoryRequest());
    v.put("plan.cpuLimit", plan.resources().cpuLimit());
    v.put("plan.memoryLimit", plan.resources().memoryLimit());
    v.put("plan.storage", plan.storage());
    desired.stripeCustomerId().ifPresent(c -> {
      v.put("stripe.customer", c);
      v.put("stripe.customerUrl", (config.stripe().testMode() ? STRIPE_TEST_DASHBOARD : STRIPE_DASHBOARD) + c);
    });
    v.put("chart.repoUrl", chart.repoUrl());
    v.put("chart.version", version);
    v.put("chart.ref", chart.path().orElse(chart.name()));
    if (chart.fromGit()) {
      v.put("chart.path", chart.path().get());
      v.put("chart.sourceKind", "GitRepository");
      v.put("chart.gitTag", version);
    } else {
      v.put("chart.name", chart.name());
      v.put("chart.sourceKind", "HelmRepository");
      v.put("chart.helmVersion", version);
    }
    v.put("image.repository", image.repository());
    v.put("image.tag", image.tag());
    v.put("config.certIssuer", config.tenants().certIssuer());
    v.put("config.argocdNamespace", config.gitops().argocdNamespace());
    config.gitops().webUrl().ifPresent(u -> v.put("gitops.folderUrl", u + "/tenants/" + names.shard() + "/"
        + names.namespace()));
    return new TemplateValues(v);
  }

  TemplateValues with(String name, Object value) {
    Map<String, Object> copy = new HashMap<>(values);
    copy.put(name, value);
    return new TemplateValues(copy);
  }

  /** Empty when the tenant has no value for it. */
  Optional<Object> get(String name) {
    return Optional.ofNullable(values.get(name));
  }
}

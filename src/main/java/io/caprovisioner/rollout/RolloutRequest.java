package io.caprovisioner.rollout;

import io.caprovisioner.lifecycle.LifecycleException;
import io.caprovisioner.render.ImageReference;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /admin/rollouts}, checked: the target (a chart version and/or an image), which
 * tenants (a selector), the waves, the pause between them and the failure budget. Every error
 * names the field (400).
 */
public record RolloutRequest(Optional<String> chartVersion, Optional<String> image, JsonObject selector,
    JsonArray waves, int pauseSeconds, int failureBudget) {
  private static final Set<String> FIELDS = Set.of("chart_version", "image", "selector", "waves", "pause_seconds",
      "failure_budget");
  private static final Set<String> SELECTOR_FIELDS = Set.of("all", "tenants", "plan", "source", "shard");
  /** The pattern tenant.yaml's spec.chartVersion allows. */
  private static final Pattern CHART_VERSION = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$");
  private static final Pattern SHARD = Pattern.compile("^[0-9a-f]{2}$");
  private static final int MAX_PAUSE_SECONDS = 7 * 24 * 3600;

  public static RolloutRequest parse(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw invalid("unknown field '" + field + "' (fields: " + String.join(", ", new java.util.TreeSet<>(FIELDS))
            + ")");
      }
    }
    Optional<String> chart = text(body, "chart_version");
    if (chart.isPresent() && !CHART_VERSION.matcher(chart.get()).matches()) {
      throw invalid("chart_version must match " + CHART_VERSION.pattern());
    }
    Optional<String> image = text(body, "image");
    if (image.isPresent()) {
      try {
        ImageReference.parse(image.get());
      } catch (IllegalArgumentException e) {
        throw invalid("image must be repository:tag, not " + image.get());
      }
    }
    if (chart.isEmpty() && image.isEmpty()) {
      throw invalid("a rollout needs a target: chart_version and/or image");
    }
    JsonObject selector = object(body, "selector");
    checkSelector(selector);
    Object waves = body.getValue("waves");
    if (!(waves instanceof JsonArray array)) {
      throw invalid("waves must be an array, e.g. [1, \"5%\", \"25%\", \"100%\"]");
    }
    Waves.parse(array);
    int pause = count(body, "pause_seconds", 0, MAX_PAUSE_SECONDS);
    int budget = count(body, "failure_budget", 0, 100_000);
    return new RolloutRequest(chart, image, selector, array, pause, budget);
  }

  /** Whether {@code t} (an active tenant) is one the selector names. */
  public boolean selects(Tenant t) {
    if (selector.containsKey("tenants")) {
      return explicitIds().contains(t.id());
    }
    if (selector.containsKey("plan") && !selector.getString("plan").equals(t.plan())) {
      return false;
    }
    if (selector.containsKey("source") && !selector.getString("source").equals(t.source().wire())) {
      return false;
    }
    return !selector.containsKey("shard") || selector.getString("shard").equals(t.names().shard());
  }

  /** The tenants named one by one, in the order given; empty for the other selectors. */
  public List<Long> explicitIds() {
    JsonArray ids = selector.getJsonArray("tenants");
    if (ids == null) {
      return List.of();
    }
    List<Long> out = new ArrayList<>();
    ids.forEach(v -> out.add(((Number) v).longValue()));
    return out;
  }

  public JsonObject toJson() {
    return new JsonObject().put("chart_version", chartVersion.orElse(null)).put("image", image.orElse(null))
        .put("selector", selector).put("waves", waves).put("pause_seconds", pauseSeconds)
        .put("failure_budget", failureBudget);
  }

  private static void checkSelector(JsonObject s) {
    if (s.isEmpty()) {
      throw invalid("selector must name the tenants: {\"all\": true}, {\"tenants\": [ids]}, or any of plan,"
          + " source, shard");
    }
    for (String field : s.fieldNames()) {
      if (!SELECTOR_FIELDS.contains(field)) {
        throw invalid("unknown selector field '" + field + "' (all, tenants, plan, source, shard)");
      }
    }
    if (s.containsKey("all")) {
      if (!Boolean.TRUE.equals(s.getValue("all")) || s.size() > 1) {
        throw invalid("selector.all must be true and alone");
      }
      return;
    }
    if (s.containsKey("tenants")) {
      if (s.size() > 1 || !(s.getValue("tenants") instanceof JsonArray ids) || ids.isEmpty()) {
        throw invalid("selector.tenants must be a non-empty array of tenant ids, alone");
      }
      Set<Long> seen = new LinkedHashSet<>();
      for (Object v : ids) {
        if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1
            || !seen.add(n.longValue())) {
          throw invalid("selector.tenants must hold distinct tenant ids, not " + v);
        }
      }
      return;
    }
    text(s, "plan");
    Optional<String> source = text(s, "source");
    if (source.isPresent()) {
      try {
        TenantSource.fromWire(source.get());
      } catch (IllegalArgumentException e) {
        throw invalid("selector.source must be stripe or manual, not " + source.get());
      }
    }
    Optional<String> shard = text(s, "shard");
    if (shard.isPresent() && !SHARD.matcher(shard.get()).matches()) {
      throw invalid("selector.shard must be two lowercase hex digits (the gitops folder tenants/<shard>)");
    }
  }

  private static Optional<String> text(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s) || s.isBlank() || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw invalid(field + " must be a non-empty string without control characters");
    }
    return Optional.of(s.strip());
  }

  private static JsonObject object(JsonObject o, String field) {
    if (!(o.getValue(field) instanceof JsonObject v)) {
      throw invalid(field + " must be a JSON object, e.g. {\"all\": true}");
    }
    return v;
  }

  private static int count(JsonObject o, String field, int fallback, int max) {
    Object v = o.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0 || n.longValue() > max) {
      throw invalid(field + " must be a whole number from 0 to " + max);
    }
    return n.intValue();
  }

  private static LifecycleException invalid(String message) {
    return LifecycleException.invalid(message);
  }
}

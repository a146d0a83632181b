package io.caprovisioner.config;

import io.caprovisioner.tenant.Plan;
import io.caprovisioner.tenant.PlanCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Reads a plan catalogue from YAML (PLANS_FILE):
 * <pre>
 * plans:
 *   - name: starter
 *     displayName: Starter
 *     price: {amount: 4900, currency: EUR}        # minor units a month
 *     resources: {cpuRequest: 250m, memoryRequest: 512Mi, cpuLimit: "1", memoryLimit: 1Gi}
 *     storage: 10Gi
 *     caProfile: default
 *     stripePriceIds: [price_123]
 *     backups: {every: 24h, keep: 14}          # optional; this is the default
 * </pre>
 */
public final class PlansFile {
  private PlansFile() {
  }

  public static PlanCatalog read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("PLANS_FILE " + file + " cannot be read: " + e.getMessage());
    }
    return parse(text, "PLANS_FILE " + file);
  }

  static PlanCatalog parse(String yaml, String where) {
    Object root;
    try {
      root = new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(yaml);
    } catch (RuntimeException e) {
      throw new ConfigException(where + " is not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> top) || !(top.get("plans") instanceof List<?> entries)) {
      throw new ConfigException(where + ": expected a top-level 'plans' list");
    }
    List<Plan> plans = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String at = where + ": plans[" + i + "]";
      if (!(entries.get(i) instanceof Map<?, ?> p)) {
        throw new ConfigException(at + " is not a mapping");
      }
      String name = text(p, "name", at);
      if (!name.matches("^[a-z][a-z0-9-]{1,30}$")) {
        throw new ConfigException(at + ".name must match ^[a-z][a-z0-9-]{1,30}$");
      }
      Map<?, ?> price = map(p, "price", at);
      Map<?, ?> res = map(p, "resources", at);
      Object amount = price.get("amount");
      if (!(amount instanceof Number n) || n.longValue() < 0) {
        throw new ConfigException(at + ".price.amount must be a non-negative number of cents");
      }
      List<String> priceIds = new ArrayList<>();
      Object ids = p.get("stripePriceIds");
      if (ids instanceof List<?> list) {
        list.forEach(id -> priceIds.add(String.valueOf(id)));
      } else if (ids != null) {
        throw new ConfigException(at + ".stripePriceIds must be a list");
      }
      plans.add(new Plan(name, p.get("displayName") == null ? name : String.valueOf(p.get("displayName")),
          n.longValue(), text(price, "currency", at + ".price"),
          new Plan.Resources(text(res, "cpuRequest", at + ".resources"), text(res, "memoryRequest", at + ".resources"),
              text(res, "cpuLimit", at + ".resources"), text(res, "memoryLimit", at + ".resources")),
          text(p, "storage", at), text(p, "caProfile", at), priceIds, backups(p, at)));
    }
    try {
      return new PlanCatalog(plans);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": " + e.getMessage());
    }
  }

  /** {@code every}: hours or days ({@code 12h}, {@code 1d}); {@code keep}: how many scheduled ones stay. */
  private static Plan.BackupPolicy backups(Map<?, ?> p, String at) {
    if (p.get("backups") == null) {
      return Plan.BackupPolicy.DEFAULT;
    }
    String where = at + ".backups";
    if (!(p.get("backups") instanceof Map<?, ?> b)) {
      throw new ConfigException(where + " must be a mapping such as {every: 24h, keep: 14}");
    }
    for (Object key : b.keySet()) {
      if (!"every".equals(key) && !"keep".equals(key)) {
        throw new ConfigException(where + "." + key + " is unknown (expected every, keep)");
      }
    }
    String every = b.get("every") == null ? "24h" : String.valueOf(b.get("every"));
    var m = java.util.regex.Pattern.compile("^([1-9][0-9]{0,4})([hd])$").matcher(every);
    if (!m.matches()) {
      throw new ConfigException(where + ".every must be hours or days such as 12h or 1d, not '" + every + "'");
    }
    long amount = Long.parseLong(m.group(1));
    java.time.Duration interval = "d".equals(m.group(2)) ? java.time.Duration.ofDays(amount)
        : java.time.Duration.ofHours(amount);
    Object keep = b.get("keep") == null ? Plan.BackupPolicy.DEFAULT.keep() : b.get("keep");
    if (!(keep instanceof Number k) || k.longValue() < 1 || k.longValue() > 10_000) {
      throw new ConfigException(where + ".keep must be a whole number from 1 to 10000, not '" + keep + "'");
    }
    return new Plan.BackupPolicy(interval, k.intValue());
  }

  private static String text(Map<?, ?> m, String key, String at) {
    Object v = m.get(key);
    if (v == null || String.valueOf(v).isBlank()) {
      throw new ConfigException(at + "." + key + " is missing");
    }
    return String.valueOf(v);
  }

  private static Map<?, ?> map(Map<?, ?> m, String key, String at) {
    if (!(m.get(key) instanceof Map<?, ?> v)) {
      throw new ConfigException(at + "." + key + " is missing or not a mapping");
    }
    return v;
  }
}

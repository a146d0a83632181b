package io.caprovisioner.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The repository's two Helm charts, rendered with real Helm (helm-java) and parsed with
 * snakeyaml-engine. Other tests (e.g. the GitOps renderer's) use {@link #renderTenant} and
 * {@link #tenantSchemaErrors} to check a committed {@code valuesObject} against the chart.
 */
public final class Charts {
  public static final Path TENANT_CHART = Path.of("helm", "collectiveaccess");
  public static final Path PROVISIONER_CHART = Path.of("helm", "ca-provisioner");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Charts() {
  }

  /** {@code helm lint --strict}. */
  public static LintResult lintStrict(Path chart) {
    return new Helm(chart).lint().strict().call();
  }

  /** Renders the tenant chart as Argo CD would for the Application {@code release}. */
  public static Manifests renderTenant(String release, Map<String, Object> values) {
    return render(TENANT_CHART, release, release, values);
  }

  /** {@code helm template} with {@code values} as the only values file; Helm's schema check included. */
  public static Manifests render(Path chart, String release, String namespace, Map<String, Object> values) {
    try {
      // JSON, a subset of YAML that Go's YAML 1.1 parser reads the same way (a plain `yes` would be true)
      return render(chart, release, namespace, JSON.writeValueAsString(values));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code helm template} of the tenant chart with a values file given as YAML text, read by Helm's
   * own (YAML 1.1) parser exactly as Argo CD would read a committed {@code valuesObject}.
   */
  public static Manifests renderTenantFromYaml(String release, String valuesYaml) {
    return render(TENANT_CHART, release, release, valuesYaml);
  }

  private static Manifests render(Path chart, String release, String namespace, String valuesYaml) {
    Path file = null;
    try {
      file = Files.createTempFile("values-", ".yaml");
      Files.writeString(file, valuesYaml, StandardCharsets.UTF_8);
      String out = new Helm(chart).template().withName(release).withNamespace(namespace).withValuesFile(file)
          .call();
      return Manifests.parse(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temp file
        }
      }
    }
  }

  /**
   * Errors of {@code values} against the tenant chart's values.schema.json on their own, without
   * the chart's defaults merged in: a renderer's valuesObject must be complete by itself.
   */
  public static Set<String> tenantSchemaErrors(Map<String, Object> values) {
    return schemaErrors(TENANT_CHART, values);
  }

  public static Set<String> schemaErrors(Path chart, Map<String, Object> values) {
    JsonSchema schema;
    try (InputStream in = Files.newInputStream(chart.resolve("values.schema.json"))) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode node = JSON.valueToTree(values);
    return schema.validate(node).stream().map(ValidationMessage::getMessage)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> loadYaml(Path file) {
    try {
      return (Map<String, Object>) new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build())
          .loadFromString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A test values file under src/test/resources/helm, e.g. {@code values-pro.yaml}. */
  public static Map<String, Object> testValues(String name) {
    return loadYaml(Path.of("src", "test", "resources", "helm", name));
  }

  public static String dump(Object yaml) {
    return new Dump(DumpSettings.builder().build()).dumpToString(yaml);
  }

  /** A deep copy with {@code value} put at the dotted {@code path} (null removes the key). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> with(Map<String, Object> values, String path, Object value) {
    Map<String, Object> copy = (Map<String, Object>) deepCopy(values);
    String[] keys = path.split("\\.");
    Map<String, Object> at = copy;
    for (int i = 0; i < keys.length - 1; i++) {
      at = (Map<String, Object>) at.computeIfAbsent(keys[i], k -> new LinkedHashMap<>());
    }
    if (value == null) {
      at.remove(keys[keys.length - 1]);
    } else {
      at.put(keys[keys.length - 1], value);
    }
    return copy;
  }

  private static Object deepCopy(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(deepCopy(v)));
      return out;
    }
    return o;
  }

  /** The documents of a {@code helm template} output. */
  public record Manifests(List<Map<String, Object>> docs) {
    @SuppressWarnings("unchecked")
    static Manifests parse(String yaml) {
      List<Map<String, Object>> docs = new ArrayList<>();
      for (Object doc : new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadAllFromString(yaml)) {
        if (doc != null) {
          docs.add((Map<String, Object>) doc);
        }
      }
      return new Manifests(List.copyOf(docs));
    }

    public List<Map<String, Object>> ofKind(String kind) {
      return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    /** The one object of {@code kind}; fails when there is none or more than one. */
    public Map<String, Object> one(String kind) {
      List<Map<String, Object>> all = ofKind(kind);
      if (all.size() != 1) {
        throw new AssertionError("expected one " + kind + ", found " + all.size() + " in " + kinds());
      }
      return all.get(0);
    }

    public List<String> kinds() {
      return docs.stream().map(d -> String.valueOf(d.get("kind"))).sorted().toList();
    }
  }

  /**
   * Follows a path of map keys and list indexes ({@code "spec", "template", 0}); null when absent.
   */
  @SuppressWarnings("unchecked")
  public static <T> T at(Object root, Object... path) {
    Object o = root;
    for (Object key : path) {
      if (o instanceof Map<?, ?> m) {
        o = m.get(key);
      } else if (o instanceof List<?> l && key instanceof Integer i) {
        o = i < l.size() ? l.get(i) : null;
      } else {
        return null;
      }
      if (o == null) {
        return null;
      }
    }
    return (T) o;
  }

  /** {@code at(...)} that must be present. */
  public static <T> T req(Object root, Object... path) {
    T v = at(root, path);
    return Objects.requireNonNull(v, () -> "missing " + List.of(path));
  }
}

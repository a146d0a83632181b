package io.caprovisioner.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.caprovisioner.testing.UpstreamData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The CRDs in ../shared/crds as JSON schemas, stricter than the API
 * server in one way on purpose: an object with declared properties rejects unknown fields (the API
 * server would prune them silently; for us that is a typo that never takes effect).
 */
public final class CrdSchemas {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, JsonSchema> byApiVersionAndKind = new HashMap<>();

  /** Skips the calling test (or class) when ../shared/crds is not there. */
  public CrdSchemas() {
    try (Stream<Path> files = Files.walk(UpstreamData.folder("crds"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        for (Object doc : loadAll(Files.readString(file))) {
          register((Map<?, ?>) doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Object> loadAll(String yaml) {
    LoadSettings settings = LoadSettings.builder().setCodePointLimit(16 * 1024 * 1024).build();
    List<Object> docs = new ArrayList<>();
    new Load(settings).loadAllFromString(yaml).forEach(d -> {
      if (d != null) {
        docs.add(d);
      }
    });
    return docs;
  }

  private void register(Map<?, ?> crd) {
    Map<?, ?> spec = (Map<?, ?>) crd.get("spec");
    String group = (String) spec.get("group");
    String kind = (String) ((Map<?, ?>) spec.get("names")).get("kind");
    for (Object v : (List<?>) spec.get("versions")) {
      Map<?, ?> version = (Map<?, ?>) v;
      Object openApi = ((Map<?, ?>) version.get("schema")).get("openAPIV3Schema");
      JsonNode schema = JSON.valueToTree(toJsonSchema(openApi));
      byApiVersionAndKind.put(group + "/" + version.get("name") + " " + kind,
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema));
    }
  }

  /** Messages for one Kubernetes object; empty when it is valid. */
  public List<String> validate(Object manifest) {
    Map<?, ?> object = (Map<?, ?>) manifest;
    String key = object.get("apiVersion") + " " + object.get("kind");
    JsonSchema schema = byApiVersionAndKind.get(key);
    if (schema == null) {
      return List.of("no CRD for " + key);
    }
    List<String> problems = new ArrayList<>();
    for (ValidationMessage m : schema.validate(JSON.valueToTree(manifest))) {
      problems.add(key + ": " + m.getMessage());
    }
    Map<?, ?> metadata = (Map<?, ?>) object.get("metadata");
    if (metadata == null || !(metadata.get("name") instanceof String)) {
      problems.add(key + ": metadata.name is missing");
    }
    return problems;
  }

  /** OpenAPI v3 (Kubernetes structural schema) to JSON Schema draft 4. */
  static Object toJsonSchema(Object node) {
    if (node instanceof List<?> list) {
      return list.stream().map(CrdSchemas::toJsonSchema).toList();
    }
    if (!(node instanceof Map<?, ?> map)) {
      return node;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (key.startsWith("x-kubernetes-") || key.equals("nullable")) {
        continue;
      }
      if (key.equals("properties")) {
        Map<String, Object> props = new LinkedHashMap<>();
        ((Map<?, ?>) e.getValue()).forEach((k, v) -> props.put(String.valueOf(k), toJsonSchema(v)));
        out.put(key, props);
      } else {
        out.put(key, toJsonSchema(e.getValue()));
      }
    }
    if (Boolean.TRUE.equals(map.get("x-kubernetes-int-or-string"))) {
      out.remove("type");
      if (!out.containsKey("anyOf")) {
        out.put("anyOf", List.of(Map.of("type", "integer"), Map.of("type", "string")));
      }
    }
    if (Boolean.TRUE.equals(map.get("nullable")) && out.get("type") instanceof String type) {
      out.put("type", List.of(type, "null"));
    }
    boolean preserve = Boolean.TRUE.equals(map.get("x-kubernetes-preserve-unknown-fields"));
    if (out.containsKey("properties") && !out.containsKey("additionalProperties") && !preserve) {
      out.put("additionalProperties", false);
    }
    return out;
  }
}

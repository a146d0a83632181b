package io.caprovisioner.repotools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The JSON schema of tenant.yaml that the skeleton ships for editors, applied by {@code validate}.
 * The copy in the jar is used, not the repository's: a pull request could edit that one.
 */
public final class TenantSchema {
  static final String RESOURCE = "gitops-template/skeleton/schema/tenant.schema.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonSchema schema;

  private TenantSchema(JsonSchema schema) {
    this.schema = schema;
  }

  public static TenantSchema bundled() {
    try (InputStream in = TenantSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar carries no " + RESOURCE);
      }
      return new TenantSchema(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A field-named problem per schema violation; invalid YAML is one problem without a field. */
  public List<Problem> check(String file, String text) {
    Object document;
    try {
      LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).setMaxAliasesForCollections(0)
          .build();
      document = new Load(settings).loadFromString(text);
    } catch (YamlEngineException e) {
      return List.of(Problem.of(file, "not valid YAML (or more than one document): " + oneLine(e.getMessage())));
    }
    List<Problem> problems = new ArrayList<>();
    for (ValidationMessage m : schema.validate(JSON.valueToTree(document))) {
      String at = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
      if (m.getProperty() != null && "required".equals(m.getType())) {
        at = at.isEmpty() ? m.getProperty() : at + "." + m.getProperty();
      }
      String message = m.getMessage().replaceFirst("^\\$[^:]*:\\s*", "");
      problems.add(new Problem(file, at, "schema: " + message));
    }
    return problems;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").strip();
  }
}

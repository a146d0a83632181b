package io.caprovisioner.render;

/** A tenant.yaml that cannot be accepted; {@link #field()} is the offending path, e.g. {@code spec.plan}. */
public class TenantYamlException extends IllegalArgumentException {
  private final String field;

  public TenantYamlException(String field, String problem) {
    super(field.isEmpty() ? problem : field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}

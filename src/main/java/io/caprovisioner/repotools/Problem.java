package io.caprovisioner.repotools;

/**
 * One thing {@code validate} refuses, printed as one line: {@code file: field: what is wrong}.
 *
 * @param file  path relative to the repository root, e.g. {@code tenants/3f/tenant-city-museum/tenant.yaml}
 * @param field the offending field (e.g. {@code spec.plan}); empty when the whole file is at fault
 */
public record Problem(String file, String field, String message) {
  public static Problem of(String file, String message) {
    return new Problem(file, "", message);
  }

  @Override
  public String toString() {
    return file + ": " + (field.isEmpty() ? "" : field + ": ") + message;
  }
}

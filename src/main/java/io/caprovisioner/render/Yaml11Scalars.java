package io.caprovisioner.render;

import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * Kubernetes, Helm and Argo CD read YAML 1.1, where plain {@code yes}, {@code off}, {@code ~} or
 * {@code 0o17} are not strings. snakeyaml-engine writes YAML 1.2 and would leave those plain, so a
 * tenant named {@code yes} would become a boolean label. Strings that YAML 1.1 would read as
 * anything else are double-quoted.
 */
final class Yaml11Scalars {
  private static final Pattern NOT_A_STRING_IN_YAML_11 = Pattern.compile(
      "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
          + "|~|null|Null|NULL|"
          + "|[-+]?(?:0b[01_]+|0[0-7_]+|0x[0-9a-fA-F_]+|0o[0-7]+|(?:0|[1-9][0-9_]*)(?::[0-5]?[0-9])*)"
          + "|[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
          + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"
          + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|<<|=)$");

  private Yaml11Scalars() {
  }

  /** The style to write a string in: {@code preferred}, unless plain would not read back as a string. */
  static ScalarStyle styleFor(String value, ScalarStyle preferred) {
    if (preferred == ScalarStyle.PLAIN && NOT_A_STRING_IN_YAML_11.matcher(value).matches()) {
      return ScalarStyle.DOUBLE_QUOTED;
    }
    return preferred;
  }
}

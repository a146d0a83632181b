package io.caprovisioner.helm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds literal secrets in a parsed YAML tree: a non-empty scalar under a key that names a secret
 * (password, token, secret, private key ...). References to secrets ({@code secretName},
 * {@code secretKeyRef}, {@code existingSecret}, the {@code secrets} block of Secret names) are not
 * secrets themselves.
 */
final class SecretScan {
  private static final Pattern SECRET_KEY = Pattern.compile(
      "(?i).*(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential).*");
  private static final Pattern REFERENCE = Pattern.compile(
      "(?i)(secretName|secretKeyRef|secretRef|existingSecret|secrets|.*Name|.*Ref)");

  private SecretScan() {
  }

  static List<String> literalSecrets(Object tree) {
    List<String> found = new ArrayList<>();
    scan(tree, "", found);
    return found;
  }

  private static void scan(Object node, String path, List<String> found) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object value = e.getValue();
        String at = path + "." + key;
        if (REFERENCE.matcher(key).matches()) {
          continue;
        }
        if (SECRET_KEY.matcher(key).matches() && isLiteral(value)) {
          found.add(at);
        }
        scan(value, at, found);
      }
      // an env entry {name: DB_PASSWORD, value: ...}
      Object name = map.get("name");
      if (name instanceof String n && SECRET_KEY.matcher(n).matches() && isLiteral(map.get("value"))) {
        found.add(path + "[" + n + "]");
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        scan(list.get(i), path + "[" + i + "]", found);
      }
    }
  }

  private static boolean isLiteral(Object value) {
    return (value instanceof String || value instanceof Number) && !String.valueOf(value).isBlank();
  }
}

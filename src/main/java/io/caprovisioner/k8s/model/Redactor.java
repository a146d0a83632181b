package io.caprovisioner.k8s.model;

import java.util.Collection;
import java.util.regex.Pattern;

/** Removes secrets from text that is about to be stored or shown (an installer's log tail). */
public final class Redactor {
  private static final Pattern ASSIGNED = Pattern.compile("(?i)(password[\"']?\\s*[=:]\\s*[\"']?)[^\\s\"']+");

  private Redactor() {
  }

  public static String redact(String text, Collection<String> secrets) {
    if (text == null) {
      return "";
    }
    String out = text;
    for (String s : secrets) {
      if (s != null && !s.isEmpty()) {
        out = out.replace(s, "[redacted]");
      }
    }
    return ASSIGNED.matcher(out).replaceAll("$1[redacted]");
  }
}

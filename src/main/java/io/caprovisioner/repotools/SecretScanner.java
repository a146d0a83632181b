package io.caprovisioner.repotools;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds values that look like credentials in text meant for the gitops repository, comments
 * included: Git history cannot be erased, so a secret pushed there is leaked for good. Token
 * formats are matched anywhere; secret-sounding keys ({@code password:}, {@code token:} ...) only
 * with a value. Reports the line, never the value.
 */
public final class SecretScanner {
  private record Rule(String what, Pattern pattern) {
  }

  /** Where a person writes: tenant.yaml. Rendered manifests are checked against the renderer instead. */
  public enum Scope { HAND_WRITTEN, RENDERED }

  private static final List<Rule> RULES = List.of(
      new Rule("a private key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----")),
      new Rule("a Stripe secret or restricted key", Pattern.compile("\\b[sr]k_(live|test)_[A-Za-z0-9]{8,}")),
      new Rule("a Stripe webhook secret", Pattern.compile("\\bwhsec_[A-Za-z0-9]{8,}")),
      new Rule("an AWS access key id", Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b")),
      new Rule("a GitHub token", Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})")),
      new Rule("a GitLab token", Pattern.compile("\\bglpat-[A-Za-z0-9_-]{16,}")),
      new Rule("a Slack token", Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}")),
      new Rule("a JSON web token", Pattern.compile("\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.")),
      new Rule("credentials in a URL", Pattern.compile("://[^/\\s:@]+:[^/\\s@]+@")),
      new Rule("a secret-sounding key with a value", Pattern.compile(
          "(?i)(^|[\\s#{,\"'-])[\\w.-]*(password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key"
              + "|credentials?)[\"']?\\s*[:=]\\s*[\"']?[^\\s\"'#{}\\[\\]]{4,}")));

  private SecretScanner() {
  }

  /**
   * One message per line that looks like it holds a secret. Secret-sounding keys are only looked
   * for in hand-written files: an operator's template may well say {@code existingSecret: ca-db}.
   */
  public static List<String> scan(String text, Scope scope) {
    List<String> found = new ArrayList<>();
    List<Rule> rules = scope == Scope.HAND_WRITTEN ? RULES : RULES.subList(0, RULES.size() - 1);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      for (Rule rule : rules) {
        if (rule.pattern().matcher(lines[i]).find()) {
          found.add("line " + (i + 1) + " looks like " + rule.what()
              + "; secrets never go into the gitops repository (its history cannot be erased)");
          break;
        }
      }
    }
    return found;
  }
}

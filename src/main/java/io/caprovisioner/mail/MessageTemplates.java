package io.caprovisioner.mail;

import io.caprovisioner.db.MessageKind;
import io.caprovisioner.web.HtmlEscape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of every message kind: a subject, a plain-text and an HTML body
 * ({@code <kind>.subject}, {@code <kind>.txt}, {@code <kind>.html}), from the jar or, file by file,
 * from MAIL_TEMPLATE_DIR. Placeholders are {@code {{name}}}; each kind has a fixed set, checked
 * when the templates are loaded (at start), so an operator's typo stops the start, not a send.
 * Values are inserted as they are into the subject and text, HTML-escaped into the HTML.
 */
public final class MessageTemplates {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");
  private static final String BUILT_IN = "/mail-templates/";
  private static final Set<String> COMMON = Set.of("brand_name", "support_email", "site_url");

  /** The text of one message. */
  public record Text(String subject, String plain, String html) {
  }

  private record Template(String subject, String plain, String html) {
  }

  private final Map<MessageKind, Template> templates = new EnumMap<>(MessageKind.class);

  private MessageTemplates() {
  }

  /** @throws IllegalArgumentException naming the file and the placeholder that is wrong */
  public static MessageTemplates load(Optional<Path> overrideDir) {
    MessageTemplates t = new MessageTemplates();
    for (MessageKind kind : MessageKind.values()) {
      Template template = new Template(read(overrideDir, kind, "subject").strip(), read(overrideDir, kind, "txt"),
          read(overrideDir, kind, "html"));
      check(kind, "subject", template.subject());
      check(kind, "txt", template.plain());
      check(kind, "html", template.html());
      t.templates.put(kind, template);
    }
    return t;
  }

  /** The placeholders {@code kind}'s templates may use. */
  public static Set<String> placeholders(MessageKind kind) {
    Set<String> out = new LinkedHashSet<>(COMMON);
    switch (kind) {
      case WELCOME, CREDENTIALS -> out.addAll(Set.of("username", "credentials_link", "credentials_link_hours"));
      case PAYMENT_FAILED -> out.add("billing_link");
      case SUSPENDED -> out.addAll(Set.of("billing_link", "reason"));
      case DELETION_SCHEDULED -> out.addAll(Set.of("keep_until", "final_backup"));
      case DELETED -> out.add("final_backup");
    }
    return out;
  }

  /** @param values one for each of {@link #placeholders}(kind) */
  public Text render(MessageKind kind, Map<String, String> values) {
    Template t = templates.get(kind);
    // a subject is one header line: a value can never start another header
    String subject = fill(t.subject(), values, false).replaceAll("[\\r\\n]+", " ");
    return new Text(subject, fill(t.plain(), values, false), fill(t.html(), values, true));
  }

  private static String fill(String template, Map<String, String> values, boolean html) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("no value for placeholder {{" + m.group(1) + "}}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(html ? HtmlEscape.text(value) : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static void check(MessageKind kind, String part, String text) {
    Set<String> allowed = placeholders(kind);
    Matcher m = PLACEHOLDER.matcher(text);
    Set<String> used = new LinkedHashSet<>();
    while (m.find()) {
      if (!allowed.contains(m.group(1))) {
        throw new IllegalArgumentException("mail template " + kind.wire() + "." + part + ": unknown placeholder {{"
            + m.group(1) + "}} (this message has: " + String.join(", ", allowed) + ")");
      }
      used.add(m.group(1));
    }
    if (kind.carriesCredentialsLink() && !part.equals("subject") && !used.contains("credentials_link")) {
      throw new IllegalArgumentException("mail template " + kind.wire() + "." + part
          + " must contain {{credentials_link}}: it is how the customer gets the password");
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException("mail template " + kind.wire() + "." + part + " is empty");
    }
  }

  private static String read(Optional<Path> dir, MessageKind kind, String part) {
    String name = kind.wire() + "." + part;
    if (dir.isPresent() && Files.isRegularFile(dir.get().resolve(name))) {
      try {
        return Files.readString(dir.get().resolve(name), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read mail template " + dir.get().resolve(name), e);
      }
    }
    try (InputStream in = MessageTemplates.class.getResourceAsStream(BUILT_IN + name)) {
      if (in == null) {
        throw new IllegalStateException("built-in mail template " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

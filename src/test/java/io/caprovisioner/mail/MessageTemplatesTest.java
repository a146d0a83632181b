package io.caprovisioner.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caprovisioner.db.MessageKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind renders in plain text and HTML; values are escaped in HTML; operators override file by file. */
class MessageTemplatesTest {
  private static final String HOSTILE = "<script>alert('x')</script> & \"Museum\"";

  private static Map<String, String> values(MessageKind kind, String brand) {
    Map<String, String> v = new HashMap<>();
    for (String p : MessageTemplates.placeholders(kind)) {
      v.put(p, p.equals("brand_name") ? brand : "value-of-" + p);
    }
    return v;
  }

  @Test
  void everyKindRendersWithEveryPlaceholderFilled() {
    MessageTemplates t = MessageTemplates.load(Optional.empty());
    for (MessageKind kind : MessageKind.values()) {
      MessageTemplates.Text text = t.render(kind, values(kind, "Museum Cloud"));
      assertThat(text.subject()).as(kind.wire()).isNotBlank().doesNotContain("{{").doesNotContain("\n");
      assertThat(text.plain()).as(kind.wire()).doesNotContain("{{").contains("value-of-site_url");
      assertThat(text.html()).as(kind.wire()).startsWith("<!DOCTYPE html>").doesNotContain("{{")
          .contains("value-of-support_email");
    }
    MessageTemplates.Text welcome = t.render(MessageKind.WELCOME, values(MessageKind.WELCOME, "Museum Cloud"));
    assertThat(welcome.plain()).contains("value-of-credentials_link", "value-of-username", "Getting started");
    assertThat(t.render(MessageKind.SUSPENDED, values(MessageKind.SUSPENDED, "M")).plain())
        .contains("value-of-billing_link", "value-of-reason");
    assertThat(t.render(MessageKind.DELETION_SCHEDULED, values(MessageKind.DELETION_SCHEDULED, "M")).plain())
        .contains("value-of-keep_until", "value-of-final_backup");
    assertThat(t.render(MessageKind.DELETED, values(MessageKind.DELETED, "M")).html())
        .contains("value-of-final_backup");
  }

  @Test
  void aScriptInAValueArrivesEscapedInHtmlAndAsTypedInPlainText() {
    MessageTemplates.Text text = MessageTemplates.load(Optional.empty()).render(MessageKind.WELCOME,
        values(MessageKind.WELCOME, HOSTILE));
    assertThat(text.html()).doesNotContain("<script>")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Museum&quot;");
    assertThat(text.plain()).contains(HOSTILE);
    assertThat(MessageTemplates.load(Optional.empty()).render(MessageKind.WELCOME,
        values(MessageKind.WELCOME, "A\r\nBcc: victim@example.org")).subject()).doesNotContain("\n");
  }

  @Test
  void anOperatorTemplateReplacesItsFileOnly(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("welcome.subject"), "Welcome to {{brand_name}}, curator");
    MessageTemplates t = MessageTemplates.load(Optional.of(dir));
    MessageTemplates.Text text = t.render(MessageKind.WELCOME, values(MessageKind.WELCOME, "Museum Cloud"));
    assertThat(text.subject()).isEqualTo("Welcome to Museum Cloud, curator");
    assertThat(text.plain()).contains("Getting started");
  }

  @Test
  void aBrokenOperatorTemplateIsRefusedAtLoadNamingTheFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("suspended.txt"), "Hello {{customer_name}}");
    assertThatThrownBy(() -> MessageTemplates.load(Optional.of(dir)))
        .hasMessageContaining("suspended.txt").hasMessageContaining("{{customer_name}}");
    Files.delete(dir.resolve("suspended.txt"));
    Files.writeString(dir.resolve("welcome.html"), "<p>Your site {{site_url}} is ready</p>");
    assertThatThrownBy(() -> MessageTemplates.load(Optional.of(dir)))
        .hasMessageContaining("welcome.html").hasMessageContaining("{{credentials_link}}");
  }
}

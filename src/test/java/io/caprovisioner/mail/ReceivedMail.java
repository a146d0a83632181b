package io.caprovisioner.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A received message as a mail program reads it (Angus/Jakarta Mail decodes the MIME parts). */
record ReceivedMail(String from, String to, String subject, String plain, String html, String raw) {
  private static final Pattern CREDENTIALS = Pattern.compile("https?://[^\\s\"<>]+/credentials/[A-Za-z0-9_-]{43}");
  private static final Pattern BILLING = Pattern.compile("https?://[^\\s\"<>]+/billing/[A-Za-z0-9_-]+");

  static ReceivedMail of(MimeMessage m) {
    try {
      String plain = null;
      String html = null;
      Object content = m.getContent();
      if (content instanceof Multipart mp) {
        for (int i = 0; i < mp.getCount(); i++) {
          BodyPart part = mp.getBodyPart(i);
          if (part.isMimeType("text/plain")) {
            plain = (String) part.getContent();
          } else if (part.isMimeType("text/html")) {
            html = (String) part.getContent();
          }
        }
      } else {
        plain = (String) content;
      }
      java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
      m.writeTo(raw);
      return new ReceivedMail(m.getHeader("From", ","), m.getHeader("To", ","), m.getSubject(), plain, html,
          raw.toString(java.nio.charset.StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static ReceivedMail parse(Path eml) {
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(eml))) {
      return of(new MimeMessage(Session.getDefaultInstance(new Properties()), in));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String credentialsLink() {
    return find(CREDENTIALS, plain);
  }

  String billingLink() {
    return find(BILLING, plain);
  }

  private static String find(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new AssertionError("no link matching " + p + " in:\n" + text);
    }
    return m.group();
  }
}

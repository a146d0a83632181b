package io.caprovisioner.mail;

import io.caprovisioner.config.Config;
import io.caprovisioner.db.MessageKind;
import io.caprovisioner.db.OutboundMessages.StoredMessage;
import io.caprovisioner.tenant.Tenant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The placeholder values of one message, in the customer's terms. */
final class MessageValues {
  /** The CollectiveAccess account the installer creates (user_name administrator). */
  static final String USERNAME = "administrator";
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

  private MessageValues() {
  }

  /**
   * @param credentialsLink the one-time link, for the kinds that carry one
   * @param billingLink     the signed billing link
   */
  static Map<String, String> of(Config.Brand brand, Config.Mail mail, StoredMessage message, Tenant tenant,
      Optional<String> credentialsLink, String billingLink) {
    Map<String, String> v = new HashMap<>();
    v.put("brand_name", brand.name());
    v.put("support_email", brand.supportEmail());
    v.put("site_url", "https://" + tenant.names().domain());
    MessageKind kind = message.kind();
    if (kind.carriesCredentialsLink()) {
      v.put("username", USERNAME);
      v.put("credentials_link", credentialsLink.orElseThrow());
      v.put("credentials_link_hours", Integer.toString(mail.credentialsLinkHours()));
    }
    v.put("billing_link", billingLink);
    v.put("reason", "stripe".equals(message.facts().getString("requested_by"))
        ? "the payment for your subscription has not come through"
        : "our team has paused it; write to " + brand.supportEmail() + " to learn why");
    String keepUntil = message.facts().getString("keep_until");
    v.put("keep_until", keepUntil == null
        ? tenant.deletionDueAt().map(MessageValues::date).orElse("the end of the retention period")
        : date(OffsetDateTime.parse(keepUntil)));
    v.keySet().retainAll(MessageTemplates.placeholders(kind));
    return v;
  }

  private static String date(OffsetDateTime t) {
    return DATE.format(t.withOffsetSameInstant(ZoneOffset.UTC)) + " (UTC)";
  }
}

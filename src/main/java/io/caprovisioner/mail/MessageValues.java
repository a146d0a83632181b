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
   * @param finalBackupDays BACKUP_FINAL_DAYS: how long the final backup taken before the purge is kept
   */
  static Map<String, String> of(Config.Brand brand, Config.Mail mail, StoredMessage message, Tenant tenant,
      Optional<String> credentialsLink, String billingLink, int finalBackupDays) {
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
    Optional<OffsetDateTime> dataUntil = Optional.ofNullable(keepUntil).map(OffsetDateTime::parse)
        .or(tenant::deletionDueAt);
    v.put("keep_until", dataUntil.map(MessageValues::date).orElse("the end of the retention period"));
    v.put("final_backup", kind == MessageKind.DELETED
        ? finalBackupKept(Optional.ofNullable(message.facts().getString("final_backup_until")), brand)
        : finalBackupAnnounced(dataUntil, finalBackupDays, brand));
    v.keySet().retainAll(MessageTemplates.placeholders(kind));
    return v;
  }

  /** Before the purge: the final backup will be taken when the data goes, and kept BACKUP_FINAL_DAYS from then. */
  private static String finalBackupAnnounced(Optional<OffsetDateTime> dataUntil, int finalBackupDays,
      Config.Brand brand) {
    if (finalBackupDays == 0) {
      return "After that date it is deleted for good.";
    }
    return "After that date the site and its data are deleted, and a final backup of the database and the media is "
        + "kept until " + dataUntil.map(d -> date(d.plusDays(finalBackupDays))).orElse(finalBackupDays
        + " days later") + ": write to " + brand.supportEmail() + " before then if you need it. Then it is deleted "
        + "for good too.";
  }

  /** After the purge: the final backup that was actually taken, and until when it is kept. */
  private static String finalBackupKept(Optional<String> until, Config.Brand brand) {
    return until.map(u -> "A final backup of its database and media is kept until " + date(OffsetDateTime.parse(u))
        + ": write to " + brand.supportEmail() + " before then if you need it. Then it is deleted for good.")
        .orElse("No copy of it is kept.");
  }

  private static String date(OffsetDateTime t) {
    return DATE.format(t.withOffsetSameInstant(ZoneOffset.UTC)) + " (UTC)";
  }
}

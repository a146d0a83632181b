package io.caprovisioner.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.Config;
import io.caprovisioner.db.MessageKind;
import io.caprovisioner.db.MessageStatus;
import io.caprovisioner.db.OutboundMessages.StoredMessage;
import io.caprovisioner.pipeline.TestConfigs;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The deletion notices tell the customer that a final backup is kept, and until when; or that none is. */
class DeletionNoticeTest {
  private static final OffsetDateTime DUE = OffsetDateTime.of(2027, 1, 15, 9, 30, 0, 0, ZoneOffset.UTC);
  private final Config config = TestConfigs.config(Map.of());
  private final MessageTemplates templates = MessageTemplates.load(Optional.empty());

  private static Tenant deleting() {
    return new Tenant(7, Optional.of(1L), TenantNames.of("city-museum", "sites.example.org"), "pro",
        TenantStatus.DELETING, Optional.empty(), TenantSource.STRIPE, Optional.empty(), Optional.empty(),
        Optional.empty(), DUE.minusDays(40), DUE.minusDays(30), Optional.of(DUE.minusDays(40)), Optional.of(DUE), 5,
        Optional.empty(), 0);
  }

  private String plain(MessageKind kind, JsonObject facts, int finalBackupDays) {
    StoredMessage m = new StoredMessage(1, 7, kind, "generation 5", facts, MessageStatus.PENDING, 0, Optional.empty(),
        DUE.minusDays(30), Optional.empty());
    return templates.render(kind, MessageValues.of(config.brand(), config.mail(), m, deleting(), Optional.empty(),
        "https://signup.example.org/billing/x", finalBackupDays)).plain().replaceAll("\\s+", " ");
  }

  @Test
  void theScheduledDeletionSaysTheFinalBackupIsKeptBackupFinalDaysAfterTheDataGoes() {
    String text = plain(MessageKind.DELETION_SCHEDULED, new JsonObject().put("keep_until", DUE.toString()), 90);
    assertThat(text).contains("is kept until 15 January 2027 (UTC)")
        .contains("a final backup of the database and the media is kept until 15 April 2027 (UTC): write to "
            + config.brand().supportEmail() + " before then if you need it");
    assertThat(plain(MessageKind.DELETION_SCHEDULED, new JsonObject().put("keep_until", DUE.toString()), 0))
        .contains("After that date it is deleted for good.").doesNotContain("final backup");
  }

  @Test
  void theDeletedNoticeNamesTheFinalBackupActuallyTakenOrSaysNothingIsKept() {
    String kept = plain(MessageKind.DELETED, new JsonObject().put("final_backup_until",
        DUE.plusDays(60).toString()), 90);
    assertThat(kept).contains("have been deleted, as announced. A final backup of its database and media is kept "
        + "until 16 March 2027 (UTC)");
    assertThat(plain(MessageKind.DELETED, new JsonObject().putNull("final_backup_until"), 90))
        .contains("have been deleted, as announced. No copy of it is kept.");
  }
}

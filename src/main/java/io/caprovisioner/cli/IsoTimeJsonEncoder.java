package io.caprovisioner.cli;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * LOG_FORMAT=json: logback's own JSON lines, plus {@code "time"}, the ISO-8601 instant with the zone
 * offset (logback writes {@code timestamp} as epoch milliseconds only, which people cannot read).
 */
public final class IsoTimeJsonEncoder extends JsonEncoder {
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneId.systemDefault());

  @Override
  protected void appendCustomFields(StringBuilder sb, ILoggingEvent event) {
    sb.append(VALUE_SEPARATOR);
    appenderMember(sb, "time", ISO.format(event.getInstant()));
  }
}

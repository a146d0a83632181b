package io.caprovisioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** pgjdbc logs through java.util.logging; once the CLI started, that reaches logback's appenders. */
class JulBridgeTest {
  @Test
  void aJulRecordOfPgjdbcReachesLogback() {
    Logger pgjdbc = (Logger) LoggerFactory.getLogger("org.postgresql.core.v3.ConnectionFactoryImpl");
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    pgjdbc.addAppender(seen);
    try {
      JulBridge.install();
      java.util.logging.Logger.getLogger("org.postgresql.core.v3.ConnectionFactoryImpl")
          .warning("Connection to 127.0.0.1:1 refused");

      assertThat(seen.list).singleElement().satisfies(e -> {
        assertThat(e.getLevel().toString()).isEqualTo("WARN");
        assertThat(e.getFormattedMessage()).isEqualTo("Connection to 127.0.0.1:1 refused");
      });
    } finally {
      pgjdbc.detachAppender(seen);
    }
  }
}

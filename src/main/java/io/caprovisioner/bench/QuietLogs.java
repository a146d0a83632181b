package io.caprovisioner.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's INFO lines (one per request and per job) would bury the figures and cost the
 * console's time inside the measurement: a part runs with warnings only, as LOG_LEVEL=WARN.
 */
public final class QuietLogs implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level before = root.getLevel();

  public static QuietLogs warnings() {
    QuietLogs quiet = new QuietLogs();
    quiet.root.setLevel(Level.WARN);
    return quiet;
  }

  @Override
  public void close() {
    root.setLevel(before);
  }
}

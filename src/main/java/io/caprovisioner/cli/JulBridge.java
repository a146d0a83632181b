package io.caprovisioner.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes java.util.logging into SLF4J, so pgjdbc (Flyway's connection) and the JDK's own HTTP client
 * log through logback, in its format and levels, instead of JUL's two-line stderr records.
 * logback.xml's LevelChangePropagator keeps JUL's levels in step, so filtered records cost nothing.
 */
final class JulBridge {
  private JulBridge() {
  }

  static synchronized void install() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }
}

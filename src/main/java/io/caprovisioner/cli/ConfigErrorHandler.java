package io.caprovisioner.cli;

import io.caprovisioner.config.ConfigException;
import picocli.CommandLine;

/** A configuration problem is one clear line and exit code 2, not a stack trace. */
final class ConfigErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    if (ex instanceof ConfigException) {
      cmd.getErr().println("configuration error: " + ex.getMessage());
      return 2;
    }
    cmd.getErr().println("error: " + ex.getMessage());
    return 1;
  }
}

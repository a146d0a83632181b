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
    // a timeout, for one, has no message: then its type says what happened
    cmd.getErr().println("error: " + (ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName()));
    return 1;
  }
}

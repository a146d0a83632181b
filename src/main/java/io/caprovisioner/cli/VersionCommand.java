package io.caprovisioner.cli;

import io.caprovisioner.Version;
import picocli.CommandLine.Command;

@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar version"},
    name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("ca-provisioner " + Version.current());
  }
}

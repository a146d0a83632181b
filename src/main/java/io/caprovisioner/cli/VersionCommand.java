package io.caprovisioner.cli;

import io.caprovisioner.Version;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("ca-provisioner " + Version.current());
  }
}

package io.caprovisioner.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ca-provisioner tenant ...}: staff tools run in a clone of the gitops repository. */
@Command(name = "tenant", description = "Write manual tenants into a clone of the gitops repository (offline).",
    subcommands = {TenantNewCommand.class, TenantRenderCommand.class})
final class TenantCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

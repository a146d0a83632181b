package io.caprovisioner.cli;

import io.caprovisioner.repotools.CheckoutLayout;
import io.caprovisioner.repotools.Problem;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ca-provisioner tenant ...}: staff tools run in a clone of the gitops repository. */
@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar tenant new --name city-museum --plan pro --admin-email registrar@city-museum.org"},
    name = "tenant", description = "Write manual tenants into a clone of the gitops repository (offline).",
    subcommands = {TenantInitCommand.class, TenantNewCommand.class, TenantRenderCommand.class, TenantSettingsCommand.class})
final class TenantCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The tools write only into a checkout that {@code validate}'s layout and link rules accept
   * ({@link CheckoutLayout#scan}): otherwise one line per problem, naming its file, and true (the
   * caller writes nothing and exits 1).
   */
  static boolean refuseUnsafeCheckout(CheckoutLayout.Scan scan, PrintWriter err) {
    if (scan.problems().isEmpty()) {
      return false;
    }
    scan.problems().stream().map(Problem::toString).forEach(err::println);
    err.println(scan.problems().size() + " problem(s) in the checkout; nothing written (remove or fix them, then "
        + "run this again; `ca-provisioner validate` checks the same)");
    return true;
  }
}

package io.caprovisioner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe trigger checkout.session.completed --plan pro --email a@b.org"},
    name = "stripe", description = "Send signed Stripe webhook events to a running service (local testing).",
    subcommands = {StripeTriggerCommand.class, StripeSendCommand.class})
final class StripeCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

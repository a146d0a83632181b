package io.caprovisioner.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar stripe send event.json --url http://localhost:8000"},
    name = "send", description = "Sign FILE (byte for byte) with the webhook secret and post it.")
final class StripeSendCommand implements Callable<Integer> {
  @Mixin
  StripeDelivery delivery;

  @Parameters(paramLabel = "FILE", description = "A Stripe event as JSON.")
  Path file;

  @Override
  public Integer call() throws IOException {
    return delivery.send(delivery.config(), Files.readAllBytes(file));
  }
}

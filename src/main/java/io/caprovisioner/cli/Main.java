package io.caprovisioner.cli;

import io.caprovisioner.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar ca-provisioner.jar <command>}. */
@Command(name = "ca-provisioner", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = "Control plane of a hosted CollectiveAccess service.",
    subcommands = {ServeCommand.class, DbCommand.class, VersionCommand.class, StripeCommand.class,
        TenantCommand.class, ValidateCommand.class, SecretsCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    JulBridge.install();
    return new CommandLine(new Main()).setExecutionExceptionHandler(new ConfigErrorHandler()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ca-provisioner " + Version.current()};
    }
  }
}

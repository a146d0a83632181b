package io.caprovisioner.cli;

import io.caprovisioner.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar ca-provisioner.jar <command>}. */
// scope INHERIT: every subcommand, at any depth, answers --help and --version and lists the exit codes
@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar serve",
    "  java -jar ca-provisioner.jar serve --help     # the environment variables"},
    name = "ca-provisioner", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    versionProvider = Main.VersionProvider.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:failed (the message says what)", "2:bad usage or configuration"},
    description = "Control plane of a hosted CollectiveAccess service.",
    subcommands = {ServeCommand.class, DbCommand.class, VersionCommand.class, StripeCommand.class,
        TenantCommand.class, ValidateCommand.class, SecretsCommand.class, BenchCommand.class, FleetCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) throws InterruptedException {
    if (BoundedHeap.plainServe(args)) {
      java.util.Optional<Integer> child = BoundedHeap.superviseIfUnbounded("serve");
      if (child.isPresent()) {
        System.exit(child.get());
      }
    }
    System.exit(run(args));
  }

  public static int run(String... args) {
    JulBridge.install();
    return commandLine(CommandLine.defaultFactory()).execute(args);
  }

  /** The command tree, configured as it runs. */
  static CommandLine commandLine(CommandLine.IFactory factory) {
    CommandLine cli = new CommandLine(new Main(), factory).setExecutionExceptionHandler(new ConfigErrorHandler());
    ServeCommand.describeEnvironment(cli.getSubcommands().get("serve"));
    return cli;
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

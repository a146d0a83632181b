package io.caprovisioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand, at any depth, answers {@code --help}: exit 0, an example, the exit codes. */
class HelpTest {
  /** Every command's words, e.g. [stripe, trigger, checkout], walked from the real tree. */
  static List<List<String>> commands() {
    List<List<String>> all = new ArrayList<>();
    walk(Main.commandLine(CommandLine.defaultFactory()), new ArrayList<>(), all);
    return all;
  }

  private static void walk(CommandLine cmd, List<String> path, List<List<String>> all) {
    all.add(List.copyOf(path));
    cmd.getSubcommands().forEach((name, sub) -> {
      if (sub.getCommandName().equals(name)) { // each once, not again under its aliases
        List<String> next = new ArrayList<>(path);
        next.add(name);
        walk(sub, next, all);
      }
    });
  }

  @Test
  void everyCommandAnswersHelpWithAnExampleAndTheExitCodes() {
    List<List<String>> commands = commands();
    assertThat(commands).hasSizeGreaterThan(15).contains(List.of("stripe", "trigger", "checkout"),
        List.of("db", "migrate"), List.of("secrets", "rotate"), List.of("tenant", "new"));
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      Cli.Result r = Cli.run(Map.of(), args.toArray(new String[0]));
      assertThat(r.exit()).as(args + ": " + r.err()).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage: ca-provisioner").contains("Example:")
          .contains("java -jar ca-provisioner.jar").contains("Exit codes:").contains("2   bad usage or configuration");
      // its own example, not one inherited from the command above it
      if (!command.isEmpty()) {
        assertThat(r.out().substring(r.out().indexOf("Example:"))).as(String.join(" ", args))
            .contains(command.get(command.size() - 1));
      }
    }
  }

  @Test
  void anUnknownOptionIsUsageExitTwo() {
    Cli.Result r = Cli.run(Map.of(), "db", "migrate", "--no-such-option");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option");
  }

  @Test
  void serveHelpListsEveryVariableTheServiceReads() throws Exception {
    String help = Cli.run(Map.of(), "serve", "--help").out();
    String loader = Files.readString(Path.of("src/main/java/io/caprovisioner/config/ConfigLoader.java"));
    Matcher m = Pattern.compile("(?:get|integer)\\(\"([A-Z_]+)\"").matcher(loader);
    Set<String> missing = new TreeSet<>();
    while (m.find()) {
      if (!Pattern.compile("\\b" + m.group(1) + "\\b").matcher(help).find()) {
        missing.add(m.group(1));
      }
    }
    assertThat(missing).isEmpty();
    assertThat(help).contains("LOG_LEVEL").contains("Environment:");
  }
}

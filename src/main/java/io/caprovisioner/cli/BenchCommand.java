package io.caprovisioner.cli;

import io.caprovisioner.bench.BenchFigures;
import io.caprovisioner.bench.BenchPart;
import io.caprovisioner.bench.BenchParts;
import io.caprovisioner.bench.BenchRun;
import io.caprovisioner.bench.BenchSettings;
import io.caprovisioner.bench.QuietLogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(footer = {"", "Example:", "  java -jar ca-provisioner.jar bench --quick",
    "  java -Xmx4g -jar ca-provisioner.jar bench --fleet 100000"},
    name = "bench", description = {"Measure the service on this machine and print one `name: value` line per figure.",
        "Runs everything itself (embedded PostgreSQL, local repositories); needs no configuration.",
        "Figures, not pass/fail: run it three times and quote medians."})
final class BenchCommand implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--quick", description = "the short run (under 3 minutes here)")
  boolean quick;

  @Option(names = "--fleet", paramLabel = "N", description = "generate a fleet of N tenants and measure at that size")
  Integer fleet;

  @Option(names = "--dir", paramLabel = "DIR", description = "where to put the run's data (default: a new temporary folder, deleted afterwards)")
  Path dir;

  @Option(names = "--only", paramLabel = "PART", split = ",",
      description = "run only these parts (by the name each prints in its `# PART took` line), e.g. webhook,peak_rss")
  List<String> only;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (fleet != null && fleet < 10) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fleet needs at least 10 tenants, got " + fleet);
    }
    Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("ca-bench-");
    BenchSettings settings = new BenchSettings(quick, fleet == null ? OptionalInt.empty() : OptionalInt.of(fleet), work);
    BenchFigures figures = new BenchFigures(System.out);
    List<BenchPart> parts = selected(fleet == null ? BenchParts.standard() : BenchParts.fleet());
    figures.note("ca-provisioner bench" + (quick ? " --quick" : "") + (fleet == null ? "" : " --fleet " + fleet)
        + " on " + Runtime.getRuntime().availableProcessors() + " cores, max heap "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
    List<String> failed;
    try (QuietLogs quiet = QuietLogs.warnings()) {
      failed = BenchRun.run(parts, settings, figures);
    } finally {
      if (dir == null) {
        deleteTree(work);
      }
    }
    if (!failed.isEmpty()) {
      spec.commandLine().getErr().println("error: " + String.join(", ", failed)
          + " failed (its `# ... failed` line says why); the other parts' figures are above");
      return 1;
    }
    return 0;
  }

  private List<BenchPart> selected(List<BenchPart> all) {
    if (only == null) {
      return all;
    }
    List<String> names = all.stream().map(BenchPart::name).toList();
    for (String wanted : only) {
      if (!names.contains(wanted)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--only: no part named '" + wanted
            + "'; this run's parts are " + String.join(", ", names));
      }
    }
    return all.stream().filter(p -> only.contains(p.name())).toList();
  }

  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete the bench's folder " + root, e);
    }
  }
}

package io.caprovisioner.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar ca-provisioner.jar serve} sets no maximum heap, and the JVM's default is a
 * quarter of the machine (6 GB here): memory then grows with the fleet until something else
 * suffers. When no heap option was given, {@code serve} runs itself again in a child JVM with
 * {@link #DEFAULT_MAX_HEAP} and {@code -XX:+ExitOnOutOfMemoryError}, sharing stdout and stderr,
 * passing SIGTERM on and exiting with the child's exit code. Any heap option of one's own
 * ({@code -Xmx}, {@code -XX:MaxRAMPercentage} as the image sets, also through
 * {@code JAVA_TOOL_OPTIONS}) runs the service in this JVM as given.
 */
final class BoundedHeap {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedHeap.class);
  static final String DEFAULT_MAX_HEAP = "-Xmx192m";
  static final String DEFAULT_COLLECTOR = "-XX:+UseSerialGC";
  static final String DEFAULT_START_HEAP = "-Xms32m";
  /** The child's parent: when it dies (even by SIGKILL), the child stops too instead of living on unseen. */
  static final String SUPERVISOR_PROPERTY = "caprovisioner.supervisor.pid";
  private static final List<String> HEAP_OPTIONS = List.of("-Xmx", "-XX:MaxHeapSize=", "-XX:MaxRAMPercentage=",
      "-XX:MaxRAM=", "-XX:MaxRAMFraction=");

  private BoundedHeap() {
  }

  static boolean heapGiven(List<String> jvmOptions) {
    return jvmOptions.stream().anyMatch(o -> HEAP_OPTIONS.stream().anyMatch(o::startsWith));
  }

  /**
   * The exit code of {@code serve} run in a bounded child JVM, or empty when this JVM already has a
   * heap option (or is that child) and should run the service itself.
   */
  static Optional<Integer> runInChildIfUnbounded(String command) throws InterruptedException {
    List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
    if (heapGiven(jvmOptions)) {
      watchSupervisor();
      return Optional.empty();
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        DEFAULT_MAX_HEAP, "-XX:+ExitOnOutOfMemoryError",
        "-D" + SUPERVISOR_PROPERTY + "=" + ProcessHandle.current().pid()));
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
      // at this heap G1's own structures (remembered sets, card tables) took 40 MB, a fifth of
      // the process; the serial collector's are a few, and its pauses at 192 MB are short
      cmd.add(DEFAULT_COLLECTOR);
      cmd.add(DEFAULT_START_HEAP);
    }
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), command));
    Process child;
    try {
      child = new ProcessBuilder(cmd).inheritIO().start();
    } catch (java.io.IOException e) {
      LOG.warn("cannot start a JVM with {} ({}); serving in this one, whose heap is unbounded", DEFAULT_MAX_HEAP,
          e.getMessage());
      return Optional.empty();
    }
    LOG.info("no heap option given: serving in a child JVM (pid {}) with {}; give -Xmx or -XX:MaxRAMPercentage "
        + "to choose your own", child.pid(), DEFAULT_MAX_HEAP);
    // SIGTERM (or Ctrl-C) to this JVM: the child drains as it would have, and its code is ours
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (child.isAlive()) {
        child.destroy();
        try {
          child.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(child.exitValue());
      }
    }, "serve-child-stop"));
    // this JVM only waits now: a full collection gives back to the system what the parsing and the
    // start touched (G1 uncommits after it), so the pair stays near the child's own footprint
    System.gc();
    return Optional.of(child.waitFor());
  }

  /** In the child: stop (draining as on SIGTERM) when the JVM that started it is gone. */
  private static void watchSupervisor() {
    String pid = System.getProperty(SUPERVISOR_PROPERTY);
    if (pid == null) {
      return;
    }
    ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(parent -> parent.onExit().thenRun(() -> {
      LOG.warn("the process that started this one (pid {}) is gone: stopping", pid);
      System.exit(143);
    }), () -> System.exit(143));
  }
}

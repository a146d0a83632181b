package io.caprovisioner.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
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
  static final String DEFAULT_MAX_HEAP = "-Xmx192m";
  static final String DEFAULT_COLLECTOR = "-XX:+UseSerialGC";
  static final String DEFAULT_START_HEAP = "-Xms32m";
  /**
   * glibc's malloc gives each thread that allocates an arena of its own, up to eight per core:
   * the child's event loops, pool and JGit threads held 16 of them, 52 MB resident for 26 MB
   * the JVM had asked for. Two arenas are what the JVM's own native allocations need.
   */
  static final String ARENAS_VARIABLE = "MALLOC_ARENA_MAX";
  static final String DEFAULT_ARENAS = "2";
  /**
   * The JVM returns memory its compilers and buffers freed to malloc, and malloc keeps it: after
   * 64 clients' webhooks the compiler's arenas alone had peaked 27 MB above what they held a
   * minute later. A trim each second hands it back (JDK 17.0.11 and later; older JVMs lack it).
   */
  static final String NATIVE_TRIM = "-XX:TrimNativeHeapInterval=1000";
  /**
   * The optimizing compiler (C2) is for long hot loops; this service spends its time waiting on
   * PostgreSQL, Git and the cluster. Its compilations held 15-35 MB of arenas for seconds after a
   * burst of webhooks and its code another ~10 MB; with the client compiler alone serve took
   * 238-265 MB instead of 296-326 after 64 clients' webhooks, and acknowledged about as many
   * (1,830-2,970/s, median 2,650, against 2,270-4,130/s, median 2,470: on two cores C2's
   * compilations took CPU from the acks).
   */
  static final String CLIENT_COMPILER_ONLY = "-XX:TieredStopAtLevel=1";
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
   * {@code serve} and nothing else: {@link Main} then supervises before it loads the command line
   * or the logging (the supervisor only waits, and every class it loads stays resident beside the
   * child: with them it took 68 MB, without 39 MB). Anything else ({@code serve --help}, a typo)
   * goes through picocli as usual.
   */
  static boolean plainServe(String[] args) {
    return args.length == 1 && args[0].equals("serve");
  }

  /**
   * In {@code serve}: the exit code of the service run in a bounded child JVM, or empty when this
   * JVM already has a heap option (or is that child) and should run the service itself.
   */
  static Optional<Integer> runInChildIfUnbounded(String command) throws InterruptedException {
    Optional<Integer> child = superviseIfUnbounded(command);
    if (child.isEmpty()) {
      watchSupervisor();
    }
    return child;
  }

  /**
   * Runs {@code command} in a child JVM with the default bound and waits for it, when this JVM has
   * no heap option; empty when it has one. Uses nothing outside java.base until the child fails to
   * start, see {@link #plainServe}.
   */
  static Optional<Integer> superviseIfUnbounded(String command) throws InterruptedException {
    List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
    if (heapGiven(jvmOptions)) {
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
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:TieredStopAtLevel") || o.endsWith("TieredCompilation"))) {
      cmd.add(CLIENT_COMPILER_ONLY);
    }
    if (knowsOption("TrimNativeHeapInterval") && jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:TrimNative"))) {
      cmd.add(NATIVE_TRIM);
    }
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), command));
    ProcessBuilder builder = new ProcessBuilder(cmd).inheritIO();
    builder.environment().putIfAbsent(ARENAS_VARIABLE, DEFAULT_ARENAS);
    Process child;
    try {
      child = builder.start();
    } catch (java.io.IOException e) {
      Log.LOG.warn("cannot start a JVM with {} ({}); serving in this one, whose heap is unbounded", DEFAULT_MAX_HEAP,
          e.getMessage());
      return Optional.empty();
    }
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
    // this JVM only waits now: a full collection that keeps no free heap gives back to the
    // system what the start touched (G1 uncommits after it), so the pair stays near the child's
    // own footprint
    keepNoFreeHeap();
    System.gc();
    return Optional.of(child.waitFor());
  }

  private static boolean knowsOption(String name) {
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Both ratios are manageable: settable from within, here where nothing will be allocated again. */
  private static void keepNoFreeHeap() {
    try {
      HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      hotspot.setVMOption("MinHeapFreeRatio", "0");
      hotspot.setVMOption("MaxHeapFreeRatio", "1");
    } catch (IllegalArgumentException e) {
      // another JVM's flags: it keeps its own free heap, which costs memory, nothing else
    }
  }

  /**
   * In the child: says so (the supervisor logs nothing, see {@link #plainServe}), and stops,
   * draining as on SIGTERM, when the JVM that started it is gone.
   */
  private static void watchSupervisor() {
    String pid = System.getProperty(SUPERVISOR_PROPERTY);
    if (pid == null) {
      return;
    }
    Log.LOG.info("no heap option given: serving in a child JVM (pid {}) with {}; give -Xmx or -XX:MaxRAMPercentage "
        + "to choose your own", ProcessHandle.current().pid(), DEFAULT_MAX_HEAP);
    ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(parent -> parent.onExit().thenRun(() -> {
      Log.LOG.warn("the process that started this one (pid {}) is gone: stopping", pid);
      System.exit(143);
    }), () -> System.exit(143));
  }

  /** Loaded only where something is logged: never in the supervisor while its child runs. */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(BoundedHeap.class);
  }
}

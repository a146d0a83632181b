package io.caprovisioner.bench;

import io.caprovisioner.db.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CPU a PostgreSQL server has used, read from /proc: the postmaster, its live backends, and
 * (through the postmaster's reaped-children times) the ones that have exited. Work the service
 * makes PostgreSQL do is a cost of the service, so a bench that counts only its own JVM would
 * understate it.
 */
final class PostgresCpu {
  /** Linux's USER_HZ: /proc/PID/stat counts CPU time in these ticks on every architecture it runs on. */
  private static final long TICKS_PER_SECOND = 100;

  private final ProcessHandle postmaster;

  private PostgresCpu(ProcessHandle postmaster) {
    this.postmaster = postmaster;
  }

  /** The server running on {@code dataDir}; empty where there is no /proc or no running server. */
  static Optional<PostgresCpu> of(Path dataDir) throws IOException {
    if (!Files.isDirectory(Path.of("/proc"))) {
      return Optional.empty();
    }
    return EmbeddedPostgresServer.postmasterPid(dataDir).stream().boxed()
        .flatMap(pid -> ProcessHandle.of(pid).stream())
        .findFirst().map(PostgresCpu::new);
  }

  /** CPU time so far, in nanoseconds, of the server and every process it started. */
  long cpuNanos() {
    // the postmaster's reaped-children times hold the backends that have exited
    long ticks = stat(postmaster).map(f -> sum(f, 11, 15)).orElse(0L);
    try (Stream<ProcessHandle> backends = postmaster.children()) {
      ticks += backends.mapToLong(b -> stat(b).map(f -> sum(f, 11, 13)).orElse(0L)).sum();
    }
    return ticks * 1_000_000_000L / TICKS_PER_SECOND;
  }

  /**
   * The fields of /proc/PID/stat from the third (state, as 0) on; empty once the
   * process has exited. The command name (field 2) is in parentheses and may hold spaces, so the
   * fields are counted from after it: utime is at 11, stime 12, cutime 13, cstime 14.
   */
  private static Optional<String[]> stat(ProcessHandle process) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" "));
  }

  private static long sum(String[] fields, int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i++) {
      sum += Long.parseLong(fields[i]);
    }
    return sum;
  }
}

package io.caprovisioner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
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

  private final long postmaster;

  private PostgresCpu(long postmaster) {
    this.postmaster = postmaster;
  }

  /** The server whose data directory is {@code dataDir}; empty where there is no /proc or no running server. */
  static Optional<PostgresCpu> of(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isDirectory(Path.of("/proc")) || !Files.exists(pidFile)) {
      return Optional.empty();
    }
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    return Optional.of(new PostgresCpu(pid));
  }

  /** CPU time so far, in nanoseconds, of the server and every process it started. */
  long cpuNanos() throws IOException {
    long ticks = 0;
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      for (Path process : (Iterable<Path>) processes::iterator) {
        String name = process.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        OptionalLong used = ticks(process, pid);
        if (used.isPresent()) {
          ticks += used.getAsLong();
        }
      }
    }
    return ticks * 1_000_000_000L / TICKS_PER_SECOND;
  }

  /** utime + stime of the postmaster and its children; the postmaster's also counts its reaped children. */
  private OptionalLong ticks(Path process, long pid) {
    String stat;
    try {
      stat = Files.readString(process.resolve("stat"));
    } catch (IOException e) {
      return OptionalLong.empty(); // exited between the listing and the read
    }
    // the command name (field 2) is in parentheses and may hold spaces: fields count from after it
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long parent = Long.parseLong(fields[1]);
    if (pid != postmaster && parent != postmaster) {
      return OptionalLong.empty();
    }
    long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    long reaped = pid == postmaster ? Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : 0;
    return OptionalLong.of(own + reaped);
  }
}

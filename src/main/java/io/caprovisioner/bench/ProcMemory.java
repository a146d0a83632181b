package io.caprovisioner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** A memory figure of a process, as Linux's {@code /proc/<pid>/status} gives it. */
enum ProcMemory {
  /** What it holds resident now. */
  RESIDENT("VmRSS:"),
  /** The most it held resident at any moment of its life. */
  PEAK("VmHWM:");

  private final String field;

  ProcMemory(String field) {
    this.field = field;
  }

  /** In kB; empty where there is no /proc (or no such process any more). */
  OptionalLong kb(long pid) throws IOException {
    return read(Path.of("/proc", Long.toString(pid), "status"));
  }

  /** The same of this process. */
  OptionalLong ofThisProcess() throws IOException {
    return read(Path.of("/proc/self/status"));
  }

  private OptionalLong read(Path status) throws IOException {
    if (!Files.isReadable(status)) {
      return OptionalLong.empty();
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith(field)) {
        return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
      }
    }
    return OptionalLong.empty();
  }
}

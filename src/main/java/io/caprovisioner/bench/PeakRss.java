package io.caprovisioner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** The process' peak resident set (Linux's VmHWM), the figure the run ends with. */
public final class PeakRss implements BenchPart {
  @Override
  public String name() {
    return "peak_rss";
  }

  @Override
  public void run(BenchSettings settings, BenchFigures figures) throws IOException {
    OptionalLong kb = peakKilobytes();
    if (kb.isPresent()) {
      figures.put("peak_rss_mb", kb.getAsLong() / 1024);
    } else {
      figures.note("peak_rss_mb: not measured (no /proc/self/status here)");
    }
  }

  /** VmHWM of this process, in kB, where /proc has it. */
  public static OptionalLong peakKilobytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return OptionalLong.empty();
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
      }
    }
    return OptionalLong.empty();
  }
}

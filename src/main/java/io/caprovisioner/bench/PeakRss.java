package io.caprovisioner.bench;

import java.io.IOException;
import java.util.OptionalLong;

/** The process' peak resident set (Linux's VmHWM), the figure the run ends with. */
public final class PeakRss implements BenchPart {
  @Override
  public String name() {
    return "peak_rss";
  }

  @Override
  public void run(BenchSettings settings, BenchFigures figures) throws IOException {
    OptionalLong kb = ProcMemory.PEAK.ofThisProcess();
    if (kb.isPresent()) {
      figures.put("peak_rss_mb", kb.getAsLong() / 1024);
    } else {
      figures.note("peak_rss_mb: not measured (no /proc/self/status here)");
    }
  }
}

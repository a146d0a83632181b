package io.caprovisioner.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one bench run, one {@code name: value} line each. A line is printed the moment
 * its figure is measured, so a run cut off half way still shows what it got.
 */
public final class BenchFigures {
  private final PrintStream out;
  private final Map<String, String> figures = new LinkedHashMap<>();

  public BenchFigures(PrintStream out) {
    this.out = out;
  }

  public synchronized void put(String name, long value) {
    record(name, Long.toString(value));
  }

  public synchronized void put(String name, double value) {
    record(name, String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value));
  }

  /** A note about the run (what was measured, on what), printed as a comment line. */
  public synchronized void note(String text) {
    out.println("# " + text);
    out.flush();
  }

  public synchronized Map<String, String> all() {
    return Map.copyOf(figures);
  }

  private void record(String name, String value) {
    if (!name.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException("a figure's name is lower_snake_case: " + name);
    }
    figures.put(name, value);
    out.println(name + ": " + value);
    out.flush();
  }
}

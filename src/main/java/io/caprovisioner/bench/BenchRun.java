package io.caprovisioner.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the parts of one bench in order. A part that fails says so in its own comment line, with
 * what failed and where, and the parts after it still run: a run of several minutes that stopped
 * at its fourth part with only {@code error: null} (a timeout has no message) gave neither the
 * figures after it nor a clue to the failure.
 */
public final class BenchRun {
  private BenchRun() {
  }

  /** Returns the names of the parts that failed, in order; empty when every part printed its figures. */
  public static List<String> run(List<BenchPart> parts, BenchSettings settings, BenchFigures figures) {
    List<String> failed = new ArrayList<>();
    for (BenchPart part : parts) {
      long started = System.nanoTime();
      try {
        part.run(settings, figures);
        figures.note(part.name() + " took " + (System.nanoTime() - started) / 1_000_000_000 + " s");
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failed.add(part.name());
        figures.note(part.name() + " failed after " + (System.nanoTime() - started) / 1_000_000_000 + " s: "
            + describe(e));
      }
    }
    return failed;
  }

  /** The failure and its causes, each with its type (a timeout's message is null), and the first frames of ours. */
  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      text.append(text.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        text.append(": ").append(t.getMessage());
      }
    }
    // three frames of ours: the first is often a helper (an await), the caller says which wait it was
    int ours = 0;
    for (StackTraceElement frame : failure.getStackTrace()) {
      if (frame.getClassName().startsWith("io.caprovisioner.") && ours < 3) {
        text.append(ours++ == 0 ? " (at " : " < ")
            .append(frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1))
            .append('.').append(frame.getMethodName()).append(':').append(frame.getLineNumber());
      }
    }
    return ours == 0 ? text.toString() : text.append(')').toString();
  }
}

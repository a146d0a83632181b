package io.caprovisioner.bench;

/** One group of figures of the bench: it sets up what it measures, measures it, and tears it down. */
public interface BenchPart {
  /** Short name, shown in the run's notes and in the message when the part fails. */
  String name();

  void run(BenchSettings settings, BenchFigures figures) throws Exception;
}

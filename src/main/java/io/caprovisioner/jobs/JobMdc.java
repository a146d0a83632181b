package io.caprovisioner.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The MDC keys of a job's log lines: {@code job} and {@code job_kind}, plus what its handler names
 * ({@link JobHandler#logKeys}: {@code tenant}, {@code step}, {@code stripe_event}). A job's callbacks
 * hop between threads, so the keys are put around each line and removed after it, never left on
 * a thread:
 *
 * <pre>{@code try (JobMdc mdc = JobMdc.of(job).with("step", name)) { LOG.info(...); }}</pre>
 */
public final class JobMdc implements AutoCloseable {
  public static final String JOB = "job";
  public static final String KIND = "job_kind";
  public static final String TENANT = "tenant";
  public static final String STEP = "step";
  public static final String STRIPE_EVENT = "stripe_event";

  private final List<String> keys = new ArrayList<>();

  private JobMdc() {
  }

  public static JobMdc of(Job job) {
    return new JobMdc().with(JOB, Long.toString(job.id())).with(KIND, job.kind());
  }

  /** With the keys the handler of the job's kind names. */
  static JobMdc of(Job job, JobHandler handler) {
    JobMdc mdc = of(job);
    if (handler != null) {
      handler.logKeys(job).forEach(mdc::with);
    }
    return mdc;
  }

  public JobMdc with(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
      keys.add(key);
    }
    return this;
  }

  public JobMdc with(Map<String, String> more) {
    more.forEach(this::with);
    return this;
  }

  @Override
  public void close() {
    keys.forEach(MDC::remove);
  }
}

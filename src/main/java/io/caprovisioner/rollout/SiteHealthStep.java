package io.caprovisioner.rollout;

import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.pipeline.ReconcileContext;
import io.caprovisioner.pipeline.StepFailure;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * {@code site.health}: after the schema Job of an upgrade (or a rollback), the site must answer.
 * A site that comes up late is a wait; one that still does not answer after {@code timeout} fails
 * the step with what it answered last.
 */
public final class SiteHealthStep implements RolloutStep {
  public static final String NAME = "site.health";
  private final SiteProbe probe;
  private final Duration poll;
  private final Duration timeout;

  public SiteHealthStep(SiteProbe probe, Duration poll, Duration timeout) {
    this.probe = probe;
    this.poll = poll;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Outcome> run(ReconcileContext ctx, OffsetDateTime startedAt) {
    boolean late = OffsetDateTime.now().isAfter(startedAt.plus(timeout));
    return probe.problem(ctx.tenant().names()).map(problem -> {
      if (problem.isEmpty()) {
        return Outcome.done("site " + probe.url(ctx.tenant().names()) + " answers");
      }
      if (late) {
        throw new StepFailure("site not healthy after " + timeout.toSeconds() + " s: " + problem.get());
      }
      return Outcome.waitFor(problem.get(), poll);
    });
  }
}

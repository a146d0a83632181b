package io.caprovisioner.app;

import io.caprovisioner.jobs.JobContext;
import io.caprovisioner.jobs.JobHandler;
import io.caprovisioner.jobs.Outcome;
import io.caprovisioner.stripe.StripeEventApplier;
import io.vertx.core.Future;

/**
 * {@code stripe.apply}: applies one stored Stripe event. A failed Future (database or Stripe API
 * down) is retried; events that can never apply are marked failed by the applier itself and wait
 * for an operator's replay.
 */
final class StripeApplyHandler implements JobHandler {
  private final StripeEventApplier applier;

  StripeApplyHandler(StripeEventApplier applier) {
    this.applier = applier;
  }

  @Override
  public java.util.Map<String, String> logKeys(io.caprovisioner.jobs.Job job) {
    String eventId = job.payload().getString("event_id");
    return eventId == null ? java.util.Map.of() : java.util.Map.of(io.caprovisioner.jobs.JobMdc.STRIPE_EVENT, eventId);
  }

  @Override
  public Future<Outcome> run(JobContext ctx) {
    String eventId = ctx.job().payload().getString("event_id");
    return applier.apply(eventId).map(v -> Outcome.done("stripe event " + eventId + " applied"));
  }
}

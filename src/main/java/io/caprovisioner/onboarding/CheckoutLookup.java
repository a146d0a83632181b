package io.caprovisioner.onboarding;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With a Stripe key: a session id the service has no tenant for is looked up at Stripe once (not
 * on every poll of the page), to tell a payment whose webhook has not arrived yet from an id
 * Stripe does not know. Answers are kept for the most recent ids only; a failed lookup is tried
 * again on a later poll.
 */
final class CheckoutLookup {
  private static final Logger LOG = LoggerFactory.getLogger(CheckoutLookup.class);
  private static final int KEPT = 10_000;

  private record Answer(CheckoutSessions.Known known, Instant at) {
  }

  private final CheckoutSessions sessions;
  private final Clock clock;
  private final Map<String, Future<Answer>> answers = Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Future<Answer>> eldest) {
          return size() > KEPT;
        }
      });

  CheckoutLookup(CheckoutSessions sessions, Clock clock) {
    this.sessions = sessions;
    this.clock = clock;
  }

  /** Since when the service knows Stripe reports the session paid; empty if it does not (or is unknown). */
  Future<Optional<Instant>> paidSince(String sessionId) {
    Future<Answer> answer = answers.computeIfAbsent(sessionId, id -> sessions.lookup(id)
        .map(known -> new Answer(known, clock.instant()))
        .onFailure(e -> {
          answers.remove(id);
          LOG.warn("looking up a checkout session at Stripe failed: {}", e.getMessage());
        }));
    return answer.map(a -> a.known() == CheckoutSessions.Known.COMPLETE ? Optional.of(a.at()) : Optional.<Instant>empty())
        .otherwise(Optional.empty());
  }
}

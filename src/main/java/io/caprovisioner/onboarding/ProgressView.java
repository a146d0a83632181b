package io.caprovisioner.onboarding;

import io.caprovisioner.db.TenantStepStore.StepRecord;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pure: the public progress of one signup, in the customer's terms, from what the service knows.
 * It carries nothing internal: no step names of the pipeline, no error text, no tenant id, and the
 * email only masked. The welcome page, its JSON and its event stream all show this.
 */
public record ProgressView(Phase phase, List<StepView> steps, int done, String message, boolean late,
    Optional<Duration> elapsed, Optional<Duration> typicalRemaining, Optional<String> siteUrl,
    Optional<String> maskedEmail, Optional<String> nameNote, String supportEmail) {

  /** Where the signup is, as a whole. */
  public enum Phase {
    /** No tenant for this session yet: the webhook has not arrived (or the id is unknown). */
    WAITING_FOR_PAYMENT,
    PROVISIONING,
    READY,
    FAILED,
    /** Suspended or deleted since. */
    UNAVAILABLE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public boolean settled() {
      return this == READY || this == FAILED || this == UNAVAILABLE;
    }
  }

  public enum StepState {
    DONE, CURRENT, PENDING;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public record StepView(ProgressStep step, StepState state) {
  }

  /** Without history, a step counts as slow after this long. */
  static final Duration LATE_WITHOUT_HISTORY = Duration.ofMinutes(10);
  /** With history, never sooner than this: a fast fleet must not make every blip "late". */
  static final Duration LATE_AT_LEAST = Duration.ofMinutes(1);
  /** Stripe usually delivers a checkout's webhook within seconds. */
  static final Duration WEBHOOK_OVERDUE = Duration.ofMinutes(2);
  static final String LATE = " This is taking longer than usual; our team has been notified. You can close this "
      + "page: it shows the current state whenever you open it again.";

  public static ProgressView of(ProgressFacts facts, OffsetDateTime now, String supportEmail) {
    if (facts.tenant().isEmpty()) {
      // the same page whether or not the id exists: only a session Stripe reports paid, whose webhook
      // is overdue, says more (and only to whoever holds the session id)
      boolean overdue = facts.paidSince().map(since -> Duration.between(since, now.toInstant())
          .compareTo(WEBHOOK_OVERDUE) > 0).orElse(false);
      return new ProgressView(Phase.WAITING_FOR_PAYMENT, steps(0, true), 0,
          "Payment received, waiting for confirmation from Stripe." + (overdue ? LATE : ""), overdue,
          Optional.empty(), facts.typical(), Optional.empty(), Optional.empty(), Optional.empty(), supportEmail);
    }
    Tenant tenant = facts.tenant().get();
    Duration elapsed = nonNegative(Duration.between(tenant.createdAt(), now));
    Optional<String> email = facts.email().map(ProgressView::mask);
    Optional<String> nameNote = facts.requestedName().filter(n -> !n.equalsIgnoreCase(tenant.names().id()))
        .map(n -> "The name \u201c" + n + "\u201d was not available any more, so your site got the address "
            + tenant.names().domain() + ".");
    String site = "https://" + tenant.names().domain();
    if (tenant.status() == TenantStatus.ACTIVE) {
      Duration took = tenant.deployedAt().map(d -> nonNegative(Duration.between(tenant.createdAt(), d)))
          .orElse(elapsed);
      return new ProgressView(Phase.READY, steps(ProgressStep.values().length, false), ProgressStep.values().length,
          "Your site is ready." + email.map(e -> " Your login details are on their way to " + e + ".").orElse(""),
          false, Optional.of(took), Optional.empty(), Optional.of(site), email, nameNote, supportEmail);
    }
    int done = 1;
    while (done < ProgressStep.values().length && isDone(ProgressStep.values()[done], facts.steps())) {
      done++;
    }
    if (tenant.status() == TenantStatus.FAILED) {
      return new ProgressView(Phase.FAILED, steps(done, true), done, "We could not finish setting up your site. "
          + "Our team has been notified; please write to " + supportEmail + " and mention " + tenant.names().domain()
          + ".", false, Optional.of(elapsed), Optional.empty(), Optional.empty(), email, nameNote, supportEmail);
    }
    if (tenant.status() != TenantStatus.PENDING && tenant.status() != TenantStatus.PROVISIONING) {
      return new ProgressView(Phase.UNAVAILABLE, steps(done, false), done, "This site is not running at the moment. "
          + "Please write to " + supportEmail + " if you have questions.", false, Optional.empty(), Optional.empty(),
          Optional.empty(), email, nameNote, supportEmail);
    }
    int currentIndex = Math.min(done, ProgressStep.values().length - 1);
    ProgressStep current = ProgressStep.values()[currentIndex];
    boolean late = late(current, facts, tenant, now);
    Optional<Duration> remaining = facts.typical().map(t -> t.minus(elapsed)).filter(d -> !d.isNegative()
        && !d.isZero());
    String message = current.doing() + "." + (late ? LATE
        : waitsOnInfrastructure(current, facts) ? " It is waiting for a part of our service to become available "
            + "and goes on by itself." : "");
    return new ProgressView(Phase.PROVISIONING, steps(currentIndex, true), done, message, late, Optional.of(elapsed),
        late ? Optional.empty() : remaining, Optional.empty(), email, nameNote, supportEmail);
  }

  /**
   * Slower than usual: a step that failed (and is being retried), or the current step (or the whole
   * signup) taking longer than a typical signup takes in all.
   */
  private static boolean late(ProgressStep current, ProgressFacts facts, Tenant tenant, OffsetDateTime now) {
    Duration usual = facts.typical().map(t -> t.compareTo(LATE_AT_LEAST) < 0 ? LATE_AT_LEAST : t)
        .orElse(LATE_WITHOUT_HISTORY);
    OffsetDateTime since = tenant.createdAt();
    for (String alternatives : current.pipelineSteps()) {
      for (String name : alternatives.split("\\|")) {
        StepRecord r = facts.steps().get(name);
        if (r == null || "done".equals(r.state())) {
          continue;
        }
        if ("failed".equals(r.state())) {
          return true;
        }
        since = r.startedAt().orElse(since);
      }
    }
    boolean stepSlow = Duration.between(since, now).compareTo(usual) > 0;
    boolean wholeSlow = facts.typical().isPresent() && Duration.between(tenant.createdAt(), now)
        .compareTo(usual.multipliedBy(2)) > 0;
    return stepSlow || wholeSlow;
  }

  /**
   * These steps wait only when something they need is not reachable (database server, cluster);
   * waiting at the others (Argo CD syncing, the installer running) is their normal course.
   */
  private static final java.util.Set<String> WAIT_MEANS_UNAVAILABLE = java.util.Set.of("git.commit", "mysql.create",
      "k8s.prepare");

  private static boolean waitsOnInfrastructure(ProgressStep current, ProgressFacts facts) {
    return current.pipelineSteps().stream().flatMap(a -> Arrays.stream(a.split("\\|")))
        .filter(WAIT_MEANS_UNAVAILABLE::contains).map(facts.steps()::get)
        .anyMatch(r -> r != null && "waiting".equals(r.state()));
  }

  private static boolean isDone(ProgressStep step, Map<String, StepRecord> records) {
    for (String alternatives : step.pipelineSteps()) {
      boolean any = Arrays.stream(alternatives.split("\\|")).map(records::get)
          .anyMatch(r -> r != null && "done".equals(r.state()));
      if (!any) {
        return false;
      }
    }
    return true;
  }

  /** The first {@code doneCount} steps done; the next one current when {@code withCurrent}. */
  private static List<StepView> steps(int doneCount, boolean withCurrent) {
    List<StepView> out = new ArrayList<>();
    for (ProgressStep s : ProgressStep.values()) {
      StepState state = s.ordinal() < doneCount ? StepState.DONE
          : s.ordinal() == doneCount && withCurrent ? StepState.CURRENT : StepState.PENDING;
      out.add(new StepView(s, state));
    }
    return List.copyOf(out);
  }

  /** {@code jane@example.org} → {@code j***@example.org}: enough to recognise, too little to harvest. */
  static String mask(String email) {
    int at = email.lastIndexOf('@');
    if (at <= 0) {
      return "***";
    }
    return email.charAt(0) + "***" + email.substring(at);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** The public JSON of {@code /welcome/status} and of each event of {@code /welcome/events}. */
  public JsonObject json() {
    JsonArray stepList = new JsonArray();
    steps.forEach(s -> stepList.add(new JsonObject().put("key", s.step().key()).put("label", s.step().label())
        .put("state", s.state().wire())));
    return new JsonObject().put("phase", phase.wire()).put("steps", stepList).put("done", done)
        .put("total", steps.size()).put("message", message).put("late", late)
        .put("elapsed_seconds", elapsed.map(Duration::toSeconds).orElse(null))
        .put("typical_remaining_seconds", typicalRemaining.map(Duration::toSeconds).orElse(null))
        .put("site_url", siteUrl.orElse(null)).put("email", maskedEmail.orElse(null))
        .put("name_note", nameNote.orElse(null)).put("support_email", supportEmail);
  }
}

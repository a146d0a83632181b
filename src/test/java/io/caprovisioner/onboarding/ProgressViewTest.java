package io.caprovisioner.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.db.TenantStepStore.StepRecord;
import io.caprovisioner.k8s.CaInstallStep;
import io.caprovisioner.k8s.K8sPrepareStep;
import io.caprovisioner.mysql.MysqlCreateStep;
import io.caprovisioner.pipeline.GitCommitStep;
import io.caprovisioner.pipeline.SetStatusStep;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The customer's view of a signup, from the tenant's status and its step records (pure). */
class ProgressViewTest {
  private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 3, 1, 10, 0, 0, 0, ZoneOffset.UTC);

  private static Tenant tenant(TenantStatus status) {
    return new Tenant(7, Optional.of(1L), TenantNames.of("city-museum", "sites.example.org"), "pro", status,
        Optional.of("waiting at mysql.create: DB_HOST is not set"), TenantSource.STRIPE, Optional.empty(),
        Optional.empty(), Optional.empty(), CREATED, CREATED, status == TenantStatus.ACTIVE
            ? Optional.of(CREATED.plusMinutes(4)) : Optional.empty(), Optional.empty(), 2, Optional.empty());
  }

  private static StepRecord step(String name, String state, OffsetDateTime started) {
    return new StepRecord(name, 0, Optional.of("t"), "done".equals(state) ? Optional.of("t") : Optional.empty(),
        state, 1, "done".equals(state) ? Optional.empty() : Optional.of("DB_HOST is not set"), Optional.empty(),
        Optional.of(started), Optional.empty());
  }

  private static ProgressView view(TenantStatus status, Map<String, StepRecord> steps, Optional<Duration> typical,
      OffsetDateTime now) {
    return ProgressView.of(new ProgressFacts(Optional.of(tenant(status)), Optional.of("city-museum"), steps,
        Optional.of("jane@example.org"), typical, Optional.empty()), now, "help@example.org");
  }

  @Test
  void theCustomerStepsNameTheReconcilersSteps() {
    assertThat(ProgressStep.CONFIGURATION.pipelineSteps()).containsExactly(GitCommitStep.NAME);
    assertThat(ProgressStep.DATABASE.pipelineSteps()).containsExactly(MysqlCreateStep.NAME);
    assertThat(ProgressStep.DEPLOYMENT.pipelineSteps().get(0)).isEqualTo(K8sPrepareStep.NAME);
    assertThat(ProgressStep.INSTALLATION.pipelineSteps()).containsExactly(CaInstallStep.NAME);
    assertThat(ProgressStep.READY.pipelineSteps()).containsExactly(
        new SetStatusStep(TenantStatus.PROVISIONING, TenantStatus.ACTIVE).name());
  }

  @Test
  void aStepWaitingForInfrastructureSaysSoInPlainWordsAndLaterThatItIsLate() {
    Map<String, StepRecord> steps = new LinkedHashMap<>();
    steps.put("git.commit", step("git.commit", "done", CREATED));
    steps.put("mysql.create", step("mysql.create", "waiting", CREATED.plusSeconds(2)));
    ProgressView early = view(TenantStatus.PROVISIONING, steps, Optional.of(Duration.ofMinutes(5)),
        CREATED.plusMinutes(1));
    assertThat(early.phase()).isEqualTo(ProgressView.Phase.PROVISIONING);
    assertThat(early.done()).isEqualTo(2);
    assertThat(early.steps().stream().map(s -> s.state().wire()).toList())
        .containsExactly("done", "done", "current", "pending", "pending", "pending");
    assertThat(early.message()).startsWith("Creating your site's database.").contains("waiting for a part of our "
        + "service").doesNotContain("DB_HOST", "mysql");
    assertThat(early.late()).isFalse();
    assertThat(early.typicalRemaining()).contains(Duration.ofMinutes(4));
    assertThat(early.maskedEmail()).contains("j***@example.org");

    ProgressView late = view(TenantStatus.PROVISIONING, steps, Optional.of(Duration.ofMinutes(5)),
        CREATED.plusMinutes(6));
    assertThat(late.late()).isTrue();
    assertThat(late.message()).contains("This is taking longer than usual; our team has been notified");
    assertThat(late.typicalRemaining()).isEmpty();
    // without history: no remaining time shown, and late only after the fixed allowance
    ProgressView noHistory = view(TenantStatus.PROVISIONING, steps, Optional.empty(), CREATED.plusMinutes(6));
    assertThat(noHistory.late()).isFalse();
    assertThat(noHistory.typicalRemaining()).isEmpty();
    assertThat(view(TenantStatus.PROVISIONING, steps, Optional.empty(), CREATED.plusMinutes(11)).late()).isTrue();
  }

  @Test
  void aFailedStepIsLateAtOnceAndAFailedTenantShowsTheSupportContact() {
    Map<String, StepRecord> steps = new LinkedHashMap<>();
    steps.put("git.commit", step("git.commit", "done", CREATED));
    steps.put("mysql.create", step("mysql.create", "done", CREATED));
    steps.put("k8s.prepare", step("k8s.prepare", "done", CREATED));
    steps.put("argocd.await", step("argocd.await", "failed", CREATED.plusSeconds(5)));
    assertThat(view(TenantStatus.PROVISIONING, steps, Optional.empty(), CREATED.plusSeconds(30)).late()).isTrue();
    ProgressView failed = view(TenantStatus.FAILED, steps, Optional.empty(), CREATED.plusMinutes(30));
    assertThat(failed.phase()).isEqualTo(ProgressView.Phase.FAILED);
    assertThat(failed.message()).contains("help@example.org", "tenant-city-museum.sites.example.org");
    assertThat(failed.json().encode()).doesNotContain("DB_HOST", "argocd");
  }

  @Test
  void anActiveTenantIsReadyWithItsSiteLinkAndWhereTheLoginDetailsGo() {
    ProgressView ready = view(TenantStatus.ACTIVE, Map.of(), Optional.of(Duration.ofMinutes(5)),
        CREATED.plusMinutes(9));
    assertThat(ready.phase()).isEqualTo(ProgressView.Phase.READY);
    assertThat(ready.done()).isEqualTo(6);
    assertThat(ready.siteUrl()).contains("https://tenant-city-museum.sites.example.org");
    assertThat(ready.message()).contains("your login details are on their way to j***@example.org".substring(1));
    assertThat(ready.elapsed()).contains(Duration.ofMinutes(4));
    assertThat(ready.nameNote()).isEmpty();
  }

  @Test
  void beforeTheWebhookThePageWaitsForStripeAndAnOverduePaidSessionIsLate() {
    ProgressView waiting = ProgressView.of(ProgressFacts.awaitingPayment(Optional.empty(), Optional.empty()),
        CREATED, "help@example.org");
    assertThat(waiting.message()).isEqualTo("Payment received, waiting for confirmation from Stripe.");
    assertThat(waiting.steps().get(0).state()).isEqualTo(ProgressView.StepState.CURRENT);
    ProgressView overdue = ProgressView.of(ProgressFacts.awaitingPayment(Optional.empty(),
        Optional.of(CREATED.toInstant())), CREATED.plusMinutes(3), "help@example.org");
    assertThat(overdue.late()).isTrue();
  }

  @Test
  void emailsAreMaskedAndHtmlIsEscaped() {
    assertThat(ProgressView.mask("jane.doe@example.org")).isEqualTo("j***@example.org");
    assertThat(ProgressView.mask("broken")).isEqualTo("***");
    assertThat(PageHtml.escape("<a href=\"x\" title='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    ProgressView v = view(TenantStatus.ACTIVE, Map.of(), Optional.empty(), CREATED);
    String html = new WelcomePage(new io.caprovisioner.config.Config.Brand("http://x", "<Brand>", "a@b.org"))
        .render(v, "\"><script>");
    assertThat(html).contains("&lt;Brand&gt;", "data-session=\"&quot;&gt;&lt;script&gt;\"", "<progress",
        "aria-live=\"polite\"").doesNotContain("\"><script>");
    assertThat(List.of(html.split("<script")).size()).isEqualTo(2);
  }

  @Test
  void theRateLimiterAllowsABurstThenRefillsOverTheMinute() {
    long[] now = {0};
    PageRateLimiter limiter = new PageRateLimiter(3, () -> now[0]);
    assertThat(limiter.allow("a")).isTrue();
    assertThat(limiter.allow("a")).isTrue();
    assertThat(limiter.allow("a")).isTrue();
    assertThat(limiter.allow("a")).isFalse();
    assertThat(limiter.allow("b")).isTrue();
    now[0] += 20_000_000_000L;
    assertThat(limiter.allow("a")).isTrue();
    assertThat(limiter.allow("a")).isFalse();
  }
}

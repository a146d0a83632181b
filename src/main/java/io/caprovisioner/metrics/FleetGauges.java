package io.caprovisioner.metrics;

import io.caprovisioner.db.MessageKind;
import io.caprovisioner.db.MessageStatus;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.lifecycle.JobKind;
import io.caprovisioner.stripe.StripeEventStore;
import io.caprovisioner.tenant.PlanCatalog;
import io.caprovisioner.tenant.TenantStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet as PostgreSQL holds it, as gauges: tenants by status and plan, jobs by kind and state,
 * waiting and failed steps with the age of the oldest, stored Stripe events by type and outcome,
 * the Git import, the customer-message outbox, tenants per chart version and image. Read with one aggregate query per family when Prometheus scrapes (never one per
 * tenant), so the figures are those of the scrape. Labels are closed sets (statuses, plans, step
 * names, handled event types): never a tenant, an email or an event id.
 *
 * <p>Every replica reads the same database and so reports the same figures: aggregate them with
 * {@code max}, not {@code sum}.
 */
public final class FleetGauges {
  static final String OTHER = "other";
  private static final List<String> JOB_STATES = List.of("queued", "running", "done", "dead", "cancelled");

  private final Pool pool;
  private final PlanCatalog plans;
  private final MultiGauge tenants;
  private final MultiGauge jobs;
  private final MultiGauge steps;
  private final MultiGauge oldestStep;
  private final MultiGauge stripeEvents;
  private final MultiGauge importFailing;
  private final MultiGauge importLastRun;
  private final MultiGauge outbox;
  private final MultiGauge versions;
  private final String defaultChartVersion;
  private final String defaultImage;
  private final TenantRepository tenantRows = new TenantRepository();

  public FleetGauges(Pool pool, PlanCatalog plans, MeterRegistry registry) {
    this(pool, plans, registry, "default", "default");
  }

  /** @param defaultChartVersion HELM_CHART_VERSION and {@code defaultImage} CA_DOCKER_IMAGE: what an unpinned tenant runs */
  public FleetGauges(Pool pool, PlanCatalog plans, MeterRegistry registry, String defaultChartVersion,
      String defaultImage) {
    this.pool = pool;
    this.plans = plans;
    this.defaultChartVersion = defaultChartVersion;
    this.defaultImage = defaultImage;
    this.versions = MultiGauge.builder("ca.tenant.versions")
        .description("Tenants (not deleted) by the chart version and image they run: the fleet's drift")
        .register(registry);
    this.tenants = MultiGauge.builder("ca.tenants").description("Tenants by status and plan").register(registry);
    this.jobs = MultiGauge.builder("ca.jobs").description("Jobs by kind and state").register(registry);
    this.steps = MultiGauge.builder("ca.tenant.steps")
        .description("Steps of tenants that wait or failed, by step and state").register(registry);
    this.oldestStep = MultiGauge.builder("ca.tenant.step.oldest.age").baseUnit("seconds")
        .description("How long the oldest waiting or failed step has been trying, by step and state")
        .register(registry);
    this.stripeEvents = MultiGauge.builder("ca.stripe.events")
        .description("Stored Stripe events by type and outcome (received, applied, ignored, deferred, failed)")
        .register(registry);
    this.importFailing = MultiGauge.builder("ca.gitops.import.failing")
        .description("1 when the last import of the gitops branch failed").register(registry);
    this.importLastRun = MultiGauge.builder("ca.gitops.import.last.run.timestamp").baseUnit("seconds")
        .description("When the import of the gitops branch last ran (unix time)").register(registry);
    this.outbox = MultiGauge.builder("ca.mail.outbox")
        .description("Customer messages by kind and status (pending, sent, failed)").register(registry);
  }

  /** Re-reads every family; a family whose query fails keeps its last figures. */
  public Future<Void> refresh() {
    return Future.join(List.of(tenants(), jobs(), steps(), stripeEvents(), gitImport(), outbox(), versions()))
        .mapEmpty();
  }

  private Future<Void> tenants() {
    return pool.query("SELECT status, plan, count(*) AS n FROM tenants GROUP BY status, plan").execute().map(rows -> {
      // every status of every configured plan, so a status that empties reads 0 rather than vanishing
      Map<Tags, Long> counts = new LinkedHashMap<>();
      for (TenantStatus status : TenantStatus.values()) {
        for (String plan : plans.names()) {
          counts.put(Tags.of("status", status.wire(), "plan", plan), 0L);
        }
      }
      for (Row r : rows) {
        counts.put(Tags.of("status", r.getString("status"), "plan", r.getString("plan")), r.getLong("n"));
      }
      register(tenants, counts);
      return null;
    });
  }

  /** Labels are the operator's chart versions and images, a handful at a time: never a tenant. */
  private Future<Void> versions() {
    return tenantRows.versionCounts(pool).map(rows -> {
      Map<Tags, Long> counts = new LinkedHashMap<>();
      for (TenantRepository.VersionCount c : rows) {
        counts.merge(Tags.of("chart_version", c.chartVersion().orElse(defaultChartVersion), "image",
            c.image().orElse(defaultImage)), c.tenants(), Long::sum);
      }
      register(versions, counts);
      return null;
    });
  }

  private Future<Void> outbox() {
    return pool.query("SELECT kind, status, count(*) AS n FROM outbound_messages GROUP BY kind, status").execute()
        .map(rows -> {
          Map<Tags, Long> counts = new LinkedHashMap<>();
          for (MessageKind kind : MessageKind.values()) {
            for (MessageStatus status : MessageStatus.values()) {
              counts.put(Tags.of("kind", kind.wire(), "status", status.wire()), 0L);
            }
          }
          for (Row r : rows) {
            counts.put(Tags.of("kind", r.getString("kind"), "status", r.getString("status")), r.getLong("n"));
          }
          register(outbox, counts);
          return null;
        });
  }

  private Future<Void> jobs() {
    return pool.query("SELECT kind, state, count(*) AS n FROM jobs GROUP BY kind, state").execute().map(rows -> {
      Map<Tags, Long> counts = new LinkedHashMap<>();
      for (JobKind kind : JobKind.values()) {
        for (String state : JOB_STATES) {
          counts.put(Tags.of("kind", kind.wire(), "state", state), 0L);
        }
      }
      for (Row r : rows) {
        counts.merge(Tags.of("kind", knownKind(r.getString("kind")), "state", r.getString("state")), r.getLong("n"),
            Long::sum);
      }
      register(jobs, counts);
      return null;
    });
  }

  private Future<Void> steps() {
    return pool.query("SELECT s.step, s.state, count(*) AS n, "
            + "extract(epoch FROM now() - min(coalesce(s.started_at, s.updated_at)))::float8 AS oldest "
            + "FROM tenant_steps s JOIN tenants t ON t.id = s.tenant_id "
            + "WHERE s.state IN ('waiting', 'failed') AND t.status <> 'deleted' GROUP BY s.step, s.state")
        .execute().map(rows -> {
          List<MultiGauge.Row<?>> counts = new ArrayList<>();
          List<MultiGauge.Row<?>> ages = new ArrayList<>();
          for (Row r : rows) {
            Tags tags = Tags.of("step", r.getString("step"), "state", r.getString("state"));
            counts.add(MultiGauge.Row.of(tags, r.getLong("n")));
            ages.add(MultiGauge.Row.of(tags, r.getDouble("oldest")));
          }
          steps.register(counts, true);
          oldestStep.register(ages, true);
          return null;
        });
  }

  private Future<Void> stripeEvents() {
    return pool.query("SELECT type, status, count(*) AS n FROM stripe_events GROUP BY type, status").execute()
        .map(rows -> {
          Map<Tags, Long> counts = new LinkedHashMap<>();
          for (String type : StripeMetricsLabels.TYPES) {
            for (io.caprovisioner.stripe.EventStatus status : io.caprovisioner.stripe.EventStatus.values()) {
              counts.put(Tags.of("type", type, "status", status.wire()), 0L);
            }
          }
          for (Row r : rows) {
            counts.merge(Tags.of("type", StripeMetricsLabels.type(r.getString("type")), "status", r.getString("status")),
                r.getLong("n"), Long::sum);
          }
          register(stripeEvents, counts);
          return null;
        });
  }

  private Future<Void> gitImport() {
    return pool.query("SELECT last_error IS NOT NULL AS failing, extract(epoch FROM last_run_at)::float8 AS last_run "
        + "FROM gitops_import_state WHERE id = 1").execute().map(rows -> {
          List<MultiGauge.Row<?>> failing = new ArrayList<>();
          List<MultiGauge.Row<?>> lastRun = new ArrayList<>();
          for (Row r : rows) {
            failing.add(MultiGauge.Row.of(Tags.empty(), Boolean.TRUE.equals(r.getBoolean("failing")) ? 1 : 0));
            if (r.getDouble("last_run") != null) {
              lastRun.add(MultiGauge.Row.of(Tags.empty(), r.getDouble("last_run")));
            }
          }
          importFailing.register(failing, true);
          importLastRun.register(lastRun, true);
          return null;
        });
  }

  private static void register(MultiGauge gauge, Map<Tags, Long> counts) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    counts.forEach((tags, n) -> rows.add(MultiGauge.Row.of(tags, n)));
    gauge.register(rows, true);
  }

  /** Kinds of jobs written before a kind was renamed are counted apart, not as a label per stray value. */
  private static String knownKind(String kind) {
    for (JobKind k : JobKind.values()) {
      if (k.wire().equals(kind)) {
        return kind;
      }
    }
    return OTHER;
  }
}

package io.caprovisioner.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.config.DatabaseUrl;
import io.caprovisioner.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every query a tenant's reconcile runs per step, and the job queue's around it, must find its
 * rows through an index: at 100,000 tenants a sequential scan of tenants, jobs or
 * provisioning_logs per step is what makes a step slow for everyone. Run against real PostgreSQL
 * with 20,000 tenants (with their jobs, steps and logs) and {@code enable_seqscan} off, so that a
 * Seq Scan, or an index read from end to end, means there is no index the query could use.
 *
 * <p>The statements are those of {@link TenantRepository}, {@link TenantStepStore},
 * {@link ProvisioningLog}, {@link TenantIntents}, {@code jobs.JobStore} and {@code jobs.JobQueue},
 * copied with representative arguments; a new per-step query belongs in this list.
 */
class PipelineQueryPlansTest {
  private static final Set<String> WATCHED = Set.of("tenants", "jobs", "provisioning_logs");
  private static final String STORED = "SELECT t.*, s.stripe_customer_id, s.stripe_subscription_id, "
      + "u.email AS git_admin_email FROM tenants t LEFT JOIN subscriptions s ON s.tenant_id = t.id "
      + "LEFT JOIN users u ON u.id = t.user_id AND t.admin_email_in_git ";
  private static final String SELECT = "SELECT t.*, s.stripe_customer_id, s.stripe_subscription_id "
      + "FROM tenants t LEFT JOIN subscriptions s ON s.tenant_id = t.id ";
  private static Connection connection;

  /** @param args the statement's arguments as SQL literals, for EXECUTE */
  record Query(String owner, String sql, String args) {
    @Override
    public String toString() {
      return owner + ": " + (sql.length() > 90 ? sql.substring(0, 90) + "..." : sql);
    }
  }

  static List<Query> perStepQueries() {
    List<Query> q = new ArrayList<>();
    // TenantRepository: the reconcile re-reads its tenant before every step
    q.add(new Query("TenantRepository.stored", STORED + "WHERE t.id = $1", "4242"));
    q.add(new Query("TenantRepository.lockById", SELECT + "WHERE t.id = $1 FOR UPDATE OF t", "4242"));
    q.add(new Query("TenantRepository.byNamespace", SELECT + "WHERE t.namespace = $1", "'tenant-bench04242'"));
    q.add(new Query("TenantRepository.storedByNamespaces", STORED + "WHERE t.namespace = ANY($1) ORDER BY t.id",
        "ARRAY['tenant-bench04242','tenant-bench00007']"));
    q.add(new Query("TenantRepository.listAfter", TenantRepository.LIST_AFTER, "15000, 100"));
    q.add(new Query("TenantRepository.setDetail",
        "UPDATE tenants SET status_detail = $2, updated_at = now() WHERE id = $1", "4242, 'git.commit (1/7)'"));
    q.add(new Query("TenantRepository.setStatus",
        "UPDATE tenants SET status = $2, status_detail = $3, updated_at = now(), "
        + "deployed_at = CASE WHEN $2 = 'active' AND deployed_at IS NULL THEN now() ELSE deployed_at END WHERE id = $1",
        "4242, 'active', NULL::text"));
    q.add(new Query("TenantRepository.recordIntent", "UPDATE tenants SET generation = generation + 1, intent = $2, "
        + "intent_by = $3, intent_stripe_event = $4, updated_at = now() WHERE id = $1 RETURNING generation",
        "4242, 'suspend', 'test', NULL::text"));
    q.add(new Query("TenantRepository.typicalProvisionTime", "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "
        + "seconds) FROM (SELECT extract(epoch FROM deployed_at - created_at) AS seconds FROM tenants WHERE "
        + "deployed_at IS NOT NULL ORDER BY deployed_at DESC LIMIT $1) recent", "20"));
    // the backup schedule's look: the due tenants, their intents (whole batches, every few minutes)
    q.add(new Query("TenantRepository.takeDueForScheduledBackup", "UPDATE tenants t SET scheduled_backup_due_at = "
        + "now() + coalesce((SELECT p.every_s FROM unnest($1::text[], $2::bigint[]) AS p(plan, every_s) "
        + "WHERE p.plan = t.plan), $3) * interval '1 second' WHERE t.id = ANY(ARRAY(SELECT id FROM tenants "
        + "WHERE status = 'active' AND scheduled_backup_due_at <= now() ORDER BY scheduled_backup_due_at, id "
        + "LIMIT $4 FOR UPDATE SKIP LOCKED)) RETURNING t.id, t.plan",
        "ARRAY['starter'], ARRAY[86400::bigint], 86400, 500"));
    q.add(new Query("TenantRepository.recordIntents", "UPDATE tenants SET generation = generation + 1, intent = $2, "
        + "intent_by = $3, intent_stripe_event = $4, updated_at = now() WHERE id = ANY($1) RETURNING id, generation",
        "ARRAY[4242::bigint, 7], 'backup', 'schedule', NULL::text"));
    q.add(new Query("ProvisioningLog.appendAll", "INSERT INTO provisioning_logs (tenant_id, action, status, message, "
        + "completed_at) SELECT t, $3, $4, m, CASE WHEN $5 THEN now() END FROM unnest($1::bigint[], $2::text[]) "
        + "WITH ORDINALITY AS x(t, m, n) ORDER BY n", "ARRAY[4242::bigint], ARRAY['scheduled backup 1 requested'], "
        + "'request', 'info', false"));
    q.add(new Query("JobQueue.requestAll", "UPDATE jobs SET run_after = CASE WHEN state = 'queued' THEN "
        + "least(run_after, now()) ELSE run_after END, rerun = (state = 'running'), parked_on = NULL, "
        + "updated_at = now() WHERE dedupe_key = ANY($1) AND state IN ('queued','running')",
        "ARRAY['tenant.reconcile:4242', 'tenant.reconcile:7']"));
    q.add(new Query("JobQueue.requestAll (new ones)", "INSERT INTO jobs (tenant_id, kind, payload, dedupe_key) "
        + "SELECT s, $2, '{}'::jsonb, $2 || ':' || s FROM unnest($1::bigint[]) AS s "
        + "ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued','running') DO NOTHING",
        "ARRAY[4242::bigint, 7], 'tenant.reconcile'"));
    // TenantStepStore
    q.add(new Query("TenantStepStore.all", "SELECT * FROM tenant_steps WHERE tenant_id = $1 ORDER BY position, step",
        "4242"));
    q.add(new Query("TenantStepStore.achieved", "UPDATE tenant_steps SET state = 'done', achieved = $3, "
        + "last_error = NULL, next_try = NULL, finished_at = now(), updated_at = now() WHERE tenant_id = $1 AND step = $2",
        "4242, 'git.commit', 'abc'"));
    q.add(new Query("TenantStepStore.lastFailed", "SELECT step FROM tenant_steps WHERE tenant_id = $1 AND "
        + "state = 'failed' ORDER BY updated_at DESC LIMIT 1", "4242"));
    // ProvisioningLog
    q.add(new Query("ProvisioningLog.append", "INSERT INTO provisioning_logs (tenant_id, action, status, message, "
        + "error_details, stripe_event_id, completed_at) VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END)",
        "4242, 'git.commit', 'succeeded', 'committed', NULL::text, NULL::text, true"));
    q.add(new Query("ProvisioningLog.of", "SELECT id, action, status, message, error_details, stripe_event_id, "
        + "created_at, completed_at FROM provisioning_logs WHERE tenant_id = $1 ORDER BY id", "4242"));
    q.add(new Query("TenantIntents.of", "SELECT generation, kind, requested_by, stripe_event_id, created_at FROM "
        + "tenant_intents WHERE tenant_id = $1 ORDER BY id", "4242"));
    // JobStore: claim, renew, fence, settle
    q.add(new Query("JobStore.claim", """
        UPDATE jobs SET state = 'running', locked_by = $1, attempts = attempts + 1, started_at = now(),
               lease_until = now() + ($2::bigint * interval '1 millisecond'), updated_at = now()
        WHERE id = (
          SELECT j.id FROM jobs j
          WHERE j.state = 'queued' AND j.run_after <= now() AND j.kind = ANY($3)
            AND (j.tenant_id IS NULL OR NOT EXISTS (
              SELECT 1 FROM jobs o WHERE o.tenant_id = j.tenant_id AND o.id <> j.id
                AND (o.state = 'running' OR (o.state = 'queued' AND o.id < j.id AND o.blocks_tenant))))
          ORDER BY j.run_after, j.id
          LIMIT 1
          FOR UPDATE SKIP LOCKED)
        RETURNING *""", "'runner#1', 60000, ARRAY['tenant.reconcile']"));
    q.add(new Query("JobStore.renew", "UPDATE jobs SET lease_until = now() + ($3::bigint * interval '1 millisecond') "
        + "WHERE id = $1 AND locked_by = $2 AND state = 'running'", "4242, 'runner#1', 60000"));
    q.add(new Query("JobStore.holds", "SELECT 1 FROM jobs WHERE id = $1 AND locked_by = $2 AND state = 'running' "
        + "FOR UPDATE", "4242, 'runner#1'"));
    q.add(new Query("JobStore.setStep", "UPDATE jobs SET step = $3, updated_at = now() WHERE id = $1 AND "
        + "locked_by = $2", "4242, 'runner#1', 'git.commit'"));
    q.add(new Query("JobStore.complete", "UPDATE jobs SET state = CASE WHEN rerun THEN 'queued' ELSE 'done' END, "
        + "finished_at = CASE WHEN rerun THEN NULL ELSE now() END, run_after = now(), rerun = false, "
        + "attempts = CASE WHEN rerun THEN 0 ELSE attempts END, locked_by = NULL, "
        + "lease_until = NULL, wait_reason = NULL, updated_at = now() "
        + "WHERE id = $1 AND locked_by = $2 AND state = 'running'", "4242, 'runner#1'"));
    q.add(new Query("JobStore.rescueExpired", "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN "
        + "'dead' ELSE 'queued' END, run_after = now(), locked_by = NULL, lease_until = NULL, updated_at = now() "
        + "WHERE state = 'running' AND lease_until < now() RETURNING *", ""));
    q.add(new Query("JobStore.wakeWaiting", "UPDATE jobs SET run_after = now(), updated_at = now() WHERE state = "
        + "'queued' AND wait_reason IS NOT NULL AND blocks_tenant AND run_after > now()", ""));
    // JobQueue: a new intent's job, or the one already queued for the tenant
    q.add(new Query("JobQueue.enqueue", "INSERT INTO jobs (tenant_id, kind, payload, dedupe_key) VALUES ($1, $2, "
        + "$3, $4) ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued','running') DO NOTHING "
        + "RETURNING id", "4242, 'tenant.reconcile', '{}'::jsonb, 'tenant.reconcile:4242'"));
    q.add(new Query("JobQueue.request", "UPDATE jobs SET run_after = CASE WHEN state = 'queued' THEN least(run_after, "
        + "now()) ELSE run_after END, rerun = (state = 'running'), payload = payload || $2, updated_at = now() "
        + "WHERE dedupe_key = $1 AND state IN ('queued','running') RETURNING id",
        "'tenant.reconcile:4242', '{}'::jsonb"));
    q.add(new Query("JobQueue.history", "SELECT * FROM jobs WHERE tenant_id = $1 AND kind = $2 ORDER BY id DESC "
        + "LIMIT $3", "4242, 'tenant.reconcile', 20"));
    return q;
  }

  @BeforeAll
  static void fill() throws SQLException {
    DatabaseUrl url = TestPostgres.freshDatabase();
    connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    try (Statement s = connection.createStatement()) {
      String id = "'bench' || lpad(g::text, 5, '0')";
      s.executeUpdate("INSERT INTO tenants (name, namespace, helm_release_name, domain, db_name, db_user, app_name, "
          + "plan, status, source, deployed_at) SELECT " + id + ", 'tenant-' || " + id + ", 'tenant-' || " + id
          + ", 'tenant-' || " + id + " || '.example.org', 'ca_' || " + id + ", 'ca_' || " + id + ", 'ca_' || " + id
          + ", 'starter', CASE WHEN g % 10 = 0 THEN 'suspended' ELSE 'active' END, 'stripe', now() "
          + "FROM generate_series(1, 20000) g");
      s.executeUpdate("INSERT INTO subscriptions (tenant_id, stripe_customer_id, stripe_subscription_id, status) "
          + "SELECT id, 'cus_' || id, 'sub_' || id, 'active' FROM tenants");
      // mostly finished jobs, a few queued or running ones, as in a fleet that runs along
      s.executeUpdate("INSERT INTO jobs (tenant_id, kind, state, dedupe_key, locked_by, lease_until) "
          + "SELECT t.id, 'tenant.reconcile', CASE WHEN r < 3 THEN 'done' WHEN t.id % 500 = 0 THEN 'running' "
          + "WHEN t.id % 100 = 0 THEN 'queued' ELSE 'done' END, "
          + "CASE WHEN r = 3 AND t.id % 100 = 0 THEN 'tenant.reconcile:' || t.id END, "
          + "CASE WHEN r = 3 AND t.id % 500 = 0 THEN 'runner#1' END, CASE WHEN r = 3 AND t.id % 500 = 0 THEN now() END "
          + "FROM tenants t, generate_series(1, 3) r");
      s.executeUpdate("INSERT INTO tenant_steps (tenant_id, step, position, state) SELECT t.id, st, p, 'done' "
          + "FROM tenants t, unnest(ARRAY['git.commit','mysql.create','k8s.prepare']) WITH ORDINALITY AS x(st, p)");
      s.executeUpdate("INSERT INTO provisioning_logs (tenant_id, action, status, message) SELECT t.id, 'git.commit', "
          + "'succeeded', 'committed' FROM tenants t, generate_series(1, 5)");
      s.executeUpdate("INSERT INTO tenant_intents (tenant_id, generation, kind, requested_by) "
          + "SELECT id, 1, 'provision', 'test' FROM tenants");
      s.execute("ANALYZE");
      s.execute("SET enable_seqscan = off");
    }
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perStepQueries")
  void findsItsRowsThroughAnIndex(Query query) throws SQLException {
    JsonObject plan = explain(query);
    List<String> scans = new ArrayList<>();
    fullScans(plan, false, scans);
    assertThat(scans).as("plan of %s:%n%s", query.owner(), plan.encodePrettily()).isEmpty();
  }

  /**
   * {@code GET /tenants?after=}: a page near the end of the list reads that page's rows and no
   * more, from every table, also with the generic plan the service's cached statement switches to
   * after five runs (a merge join against subscriptions once read every row before the page).
   */
  @Test
  void aPageOfTheTenantListReadsOnlyThatPage() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("SET enable_seqscan = on");
      try {
        s.execute("DEALLOCATE ALL");
        s.execute("PREPARE page AS " + TenantRepository.LIST_AFTER);
        JsonObject plan;
        try (ResultSet rows = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page(19000, 100)")) {
          rows.next();
          plan = new JsonArray(rows.getString(1)).getJsonObject(0).getJsonObject("Plan");
        }
        List<String> reads = new ArrayList<>();
        rowsRead(plan, reads);
        assertThat(reads).as("rows each table scan read for a page of 100:%n%s", plan.encodePrettily())
            .isNotEmpty().allSatisfy(read -> assertThat(Long.parseLong(read.replaceAll(".*: ", "")))
                .as(read).isLessThanOrEqualTo(100));
      } finally {
        s.execute("RESET plan_cache_mode");
        s.execute("SET enable_seqscan = off");
      }
    }
  }

  private static void rowsRead(JsonObject node, List<String> reads) {
    if (node.containsKey("Relation Name")) {
      long rows = node.getLong("Actual Rows") * node.getLong("Actual Loops")
          + node.getLong("Rows Removed by Filter", 0L) + node.getLong("Rows Removed by Index Recheck", 0L);
      reads.add(node.getString("Node Type") + " on " + node.getString("Relation Name") + ": " + rows);
    }
    JsonArray children = node.getJsonArray("Plans", new JsonArray());
    for (int i = 0; i < children.size(); i++) {
      rowsRead(children.getJsonObject(i), reads);
    }
  }

  /**
   * Reads of a whole watched table: a Seq Scan, or an index scan without an Index Cond (which with
   * enable_seqscan off is how the planner reads every row when no index fits). Only a partial
   * index under a Limit may be read that way: it holds just the rows asked for, first ones first.
   */
  private static void fullScans(JsonObject node, boolean underLimit, List<String> found) throws SQLException {
    String type = node.getString("Node Type");
    boolean limited = underLimit || "Limit".equals(type);
    if (WATCHED.contains(String.valueOf(node.getString("Relation Name")))) {
      boolean indexScan = type.startsWith("Index") || type.startsWith("Bitmap Index");
      boolean wholeIndex = indexScan && !node.containsKey("Index Cond")
          && !(limited && isPartial(node.getString("Index Name")));
      if (type.equals("Seq Scan") || wholeIndex) {
        found.add(type + " on " + node.getString("Relation Name")
            + (node.containsKey("Index Name") ? " using " + node.getString("Index Name") : ""));
      }
    }
    JsonArray children = node.getJsonArray("Plans", new JsonArray());
    for (int i = 0; i < children.size(); i++) {
      fullScans(children.getJsonObject(i), limited, found);
    }
  }

  private static boolean isPartial(String index) throws SQLException {
    try (var s = connection.prepareStatement("SELECT indpred IS NOT NULL FROM pg_index WHERE indexrelid = ?::regclass")) {
      s.setString(1, index);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() && rows.getBoolean(1);
      }
    }
  }

  private static JsonObject explain(Query query) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("DEALLOCATE ALL");
      s.execute("PREPARE q AS " + query.sql());
      try (ResultSet rows = s.executeQuery("EXPLAIN (FORMAT JSON) EXECUTE q" + (query.args().isEmpty() ? ""
          : "(" + query.args() + ")"))) {
        rows.next();
        return new JsonArray(rows.getString(1)).getJsonObject(0).getJsonObject("Plan");
      }
    }
  }
}

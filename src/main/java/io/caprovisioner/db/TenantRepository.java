package io.caprovisioner.db;

import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.Intent;
import io.caprovisioner.tenant.IntentKind;
import io.caprovisioner.tenant.PlanCatalog;
import io.caprovisioner.tenant.Tenant;
import io.caprovisioner.tenant.TenantNames;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Tenant rows. Every method takes the client to run on, so callers choose the transaction. */
public final class TenantRepository {
  private static final String SELECT = "SELECT t.*, s.stripe_customer_id, s.stripe_subscription_id "
      + "FROM tenants t LEFT JOIN subscriptions s ON s.tenant_id = t.id ";

  /** A tenant to insert; status starts as {@code pending}. */
  public record NewTenant(Optional<Long> userId, TenantNames names, String plan, TenantSource source,
      Optional<String> chartVersion) {
  }

  /**
   * What {@link #map} reads: a list carries neither encrypted password (db_password_enc,
   * admin_password_enc, a fifth of a provisioned tenant's row) nor columns only the pipeline uses.
   */
  private static final String MAPPED_COLUMNS = "id, user_id, name, namespace, db_name, db_user, app_name, domain, "
      + "plan, status, status_detail, source, chart_version, created_at, updated_at, deployed_at, deletion_due_at, "
      + "generation, intent, intent_by, intent_stripe_event, admin_password_rotation, backup_requested, "
      + "restore_requested, image, rollout_id";

  /**
   * A page of tenants, joined to their subscriptions row by row. A plain join lets the planner
   * (with the cached statement's generic plan) merge-join against the whole subscriptions index
   * from its start, which at 100,000 tenants read 90,000 rows for a page near the end; the
   * per-row lookup reads one subscription per tenant of the page.
   */
  private static final String PAGE = "SELECT t.*, s.stripe_customer_id, s.stripe_subscription_id FROM (%s) t "
      + "LEFT JOIN LATERAL (SELECT stripe_customer_id, stripe_subscription_id FROM subscriptions "
      + "WHERE tenant_id = t.id LIMIT 1) s ON true ORDER BY t.id";
  static final String LIST_OFFSET = String.format(PAGE, "SELECT " + MAPPED_COLUMNS
      + " FROM tenants ORDER BY id OFFSET $1 LIMIT $2");
  static final String LIST_AFTER = String.format(PAGE, "SELECT " + MAPPED_COLUMNS
      + " FROM tenants WHERE id > $1 ORDER BY id LIMIT $2");

  public Future<List<Tenant>> list(SqlClient sql, int skip, int limit) {
    return sql.preparedQuery(LIST_OFFSET).execute(Tuple.of(skip, limit)).map(TenantRepository::all);
  }

  /** The page after the tenant {@code afterId}, by the primary key's index: flat cost at any depth. */
  public Future<List<Tenant>> listAfter(SqlClient sql, long afterId, int limit) {
    return sql.preparedQuery(LIST_AFTER).execute(Tuple.of(afterId, limit)).map(TenantRepository::all);
  }

  /** Every tenant with {@code status}, by id: a rollout's candidates. */
  public Future<List<Tenant>> withStatus(SqlClient sql, TenantStatus status) {
    return sql.preparedQuery(SELECT + "WHERE t.status = $1 ORDER BY t.id").execute(Tuple.of(status.wire()))
        .map(TenantRepository::all);
  }

  /** Tenants of the fleet (not deleted) per pinned chart version and image (null: the configured default). */
  public record VersionCount(Optional<String> chartVersion, Optional<String> image, long tenants) {
  }

  /** Drift in one aggregate query: who runs what. */
  public Future<List<VersionCount>> versionCounts(SqlClient sql) {
    return sql.query("SELECT chart_version, image, count(*) AS n FROM tenants WHERE status <> 'deleted' "
            + "GROUP BY chart_version, image ORDER BY count(*) DESC, chart_version NULLS FIRST, image NULLS FIRST")
        .execute().map(rows -> {
          List<VersionCount> out = new ArrayList<>();
          rows.forEach(r -> out.add(new VersionCount(Optional.ofNullable(r.getString("chart_version")),
              Optional.ofNullable(r.getString("image")), r.getLong("n"))));
          return out;
        });
  }

  public Future<Optional<Tenant>> byId(SqlClient sql, long id) {
    return sql.preparedQuery(SELECT + "WHERE t.id = $1").execute(Tuple.of(id)).map(TenantRepository::first);
  }

  /** Locks the row until the transaction ends, so a status check and its update cannot interleave. */
  public Future<Optional<Tenant>> lockById(SqlClient sql, long id) {
    return sql.preparedQuery(SELECT + "WHERE t.id = $1 FOR UPDATE OF t").execute(Tuple.of(id))
        .map(TenantRepository::first);
  }

  public Future<Optional<Tenant>> byNamespace(SqlClient sql, String namespace) {
    return sql.preparedQuery(SELECT + "WHERE t.namespace = $1").execute(Tuple.of(namespace))
        .map(TenantRepository::first);
  }

  /** Inserts the tenant; fails with a unique violation (23505) when any derived name is taken. */
  public Future<Long> insert(SqlClient sql, NewTenant t) {
    TenantNames n = t.names();
    return sql.preparedQuery("INSERT INTO tenants (user_id, name, namespace, helm_release_name, domain, db_name, "
            + "db_user, app_name, plan, source, chart_version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id")
        .execute(Tuple.from(new Object[] {t.userId().orElse(null), n.id(), n.namespace(), n.helmRelease(), n.domain(),
            n.database(), n.dbUser(), n.appName(), t.plan(), t.source().wire(), t.chartVersion().orElse(null)}))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** Whether any name derived from {@code names} (namespace, domain, database, user...) is in use. */
  public Future<Boolean> nameTaken(SqlClient sql, TenantNames names) {
    return sql.preparedQuery("SELECT EXISTS (SELECT 1 FROM tenants WHERE name = $1 OR namespace = $2 "
            + "OR helm_release_name = $2 OR domain = $3 OR db_name = $4 OR db_user = $5 OR app_name = $6)")
        .execute(Tuple.of(names.id(), names.namespace(), names.domain(), names.database(), names.dbUser(),
            names.appName()))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /**
   * Serialises the creation of tenants that want the same name until the transaction ends, so
   * two checkouts asking for one name cannot both see it free.
   */
  public Future<Void> lockName(SqlClient sql, String name) {
    return sql.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 4))")
        .execute(Tuple.of("tenant-name:" + name)).mapEmpty();
  }

  /**
   * The median time from creation to first deployment over the {@code recent} newest deployed
   * tenants; empty while none was ever deployed.
   */
  public Future<Optional<java.time.Duration>> typicalProvisionTime(SqlClient sql, int recent) {
    return sql.preparedQuery("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) FROM (SELECT "
            + "extract(epoch FROM deployed_at - created_at) AS seconds FROM tenants WHERE deployed_at IS NOT NULL "
            + "ORDER BY deployed_at DESC LIMIT $1) recent")
        .execute(Tuple.of(recent))
        .map(rows -> {
          Double seconds = rows.iterator().next().getDouble(0);
          return seconds == null ? Optional.empty()
              : Optional.of(java.time.Duration.ofMillis(Math.round(Math.max(0, seconds) * 1000)));
        });
  }

  public Future<Void> setStatus(SqlClient sql, long id, TenantStatus status, String detail) {
    return sql.preparedQuery("UPDATE tenants SET status = $2, status_detail = $3, updated_at = now(), "
            + "deployed_at = CASE WHEN $2 = 'active' AND deployed_at IS NULL THEN now() ELSE deployed_at END "
            + "WHERE id = $1")
        .execute(Tuple.of(id, status.wire(), detail)).mapEmpty();
  }

  public Future<Void> setDeletionDue(SqlClient sql, long id, OffsetDateTime due) {
    return setColumn(sql, id, "deletion_due_at", due);
  }

  /** The data is kept {@code days} from now on the database's clock (not a replica's). */
  public Future<Void> setDeletionDueInDays(SqlClient sql, long id, int days) {
    return sql.preparedQuery("UPDATE tenants SET deletion_due_at = now() + ($2::int * interval '1 day'), "
            + "updated_at = now() WHERE id = $1")
        .execute(Tuple.of(id, days)).mapEmpty();
  }

  public Future<Void> setPlan(SqlClient sql, long id, String plan) {
    return setColumn(sql, id, "plan", plan);
  }

  /**
   * A stored tenant with what its tenant.yaml needs beyond {@link Tenant}.
   *
   * @param adminEmailInGit true when the tenant's contact lives in its tenant.yaml ({@code spec.adminEmail},
   *                        imported from a pull request), so every re-write must keep it
   * @param userEmail       the email of its user, only read when {@code adminEmailInGit}
   */
  public record StoredTenant(Tenant tenant, boolean adminEmailInGit, Optional<String> userEmail) {
  }

  private static final String SELECT_STORED = "SELECT t.*, s.stripe_customer_id, s.stripe_subscription_id, "
      + "u.email AS git_admin_email FROM tenants t LEFT JOIN subscriptions s ON s.tenant_id = t.id "
      + "LEFT JOIN users u ON u.id = t.user_id AND t.admin_email_in_git ";

  /**
   * What the gitops repo should hold for a stored tenant: the input of every re-render (the job
   * runner's {@code git.commit}). Keeps {@code spec.adminEmail} of tenants imported from Git.
   * Empty when there is no such tenant.
   *
   * @throws IllegalStateException (failed future) when the tenant's plan is no longer in the catalogue
   */
  public Future<Optional<TenantDesired>> desiredState(SqlClient sql, long id, PlanCatalog plans) {
    return sql.preparedQuery(SELECT_STORED + "WHERE t.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(desiredOf(stored(rows.iterator().next()), plans)));
  }

  /** One stored tenant with what its tenant.yaml needs beyond {@link Tenant}. */
  public Future<Optional<StoredTenant>> stored(SqlClient sql, long id) {
    return sql.preparedQuery(SELECT_STORED + "WHERE t.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next())));
  }

  /** The stored tenants with these namespaces, by namespace (absent ones are left out). */
  public Future<Map<String, StoredTenant>> storedByNamespaces(SqlClient sql, Collection<String> namespaces) {
    return sql.preparedQuery(SELECT_STORED + "WHERE t.namespace = ANY($1) ORDER BY t.id")
        .execute(Tuple.of(namespaces.toArray(new String[0])))
        .map(rows -> {
          Map<String, StoredTenant> out = new LinkedHashMap<>();
          rows.forEach(r -> out.put(r.getString("namespace"), stored(r)));
          return out;
        });
  }

  /** The desired state a stored tenant renders from ({@link TenantDesired#of}). */
  public static TenantDesired desiredOf(StoredTenant stored, PlanCatalog plans) {
    return TenantDesired.of(stored.tenant(), plans, stored.adminEmailInGit() ? stored.userEmail() : Optional.empty());
  }

  /**
   * Records an intent: the newest wish and a new generation, in the caller's transaction (the one
   * that also changed the desired state). Returns the new generation.
   */
  public Future<Long> recordIntent(SqlClient sql, long id, Intent intent) {
    return sql.preparedQuery("UPDATE tenants SET generation = generation + 1, intent = $2, intent_by = $3, "
            + "intent_stripe_event = $4, updated_at = now() WHERE id = $1 RETURNING generation")
        .execute(Tuple.of(id, intent.kind().wire(), intent.requestedBy(), intent.stripeEventId().orElse(null)))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * The same intent for many tenants at once (the backup schedule's batch): one new generation
   * each. Returns each tenant's new generation, by tenant id.
   */
  public Future<Map<Long, Long>> recordIntents(SqlClient sql, List<Long> ids, Intent intent) {
    return sql.preparedQuery("UPDATE tenants SET generation = generation + 1, intent = $2, intent_by = $3, "
            + "intent_stripe_event = $4, updated_at = now() WHERE id = ANY($1) RETURNING id, generation")
        .execute(Tuple.of(ids.toArray(new Long[0]), intent.kind().wire(), intent.requestedBy(),
            intent.stripeEventId().orElse(null)))
        .map(rows -> {
          Map<Long, Long> out = new java.util.HashMap<>();
          rows.forEach(r -> out.put(r.getLong("id"), r.getLong("generation")));
          return out;
        });
  }

  /** An active tenant whose scheduled backup is due, with its plan (which decides the interval). */
  public record BackupDue(long id, String plan) {
  }

  /**
   * Up to {@code limit} active tenants whose scheduled backup is due, oldest due first, each moved
   * on to its next due date (now plus its plan's interval, {@code defaultEverySeconds} for a plan
   * no longer in the catalogue) in the same statement. Rows another replica is taking are skipped,
   * so two replicas never pick the same tenant.
   *
   * @param plans        plan names, each with its interval in {@code everySeconds} at the same index
   */
  public Future<List<BackupDue>> takeDueForScheduledBackup(SqlClient sql, List<String> plans, List<Long> everySeconds,
      long defaultEverySeconds, int limit) {
    return sql.preparedQuery("UPDATE tenants t SET scheduled_backup_due_at = now() + coalesce((SELECT p.every_s "
            + "FROM unnest($1::text[], $2::bigint[]) AS p(plan, every_s) WHERE p.plan = t.plan), $3) "
            + "* interval '1 second' WHERE t.id = ANY(ARRAY(SELECT id FROM tenants WHERE status = 'active' "
            + "AND scheduled_backup_due_at <= now() ORDER BY scheduled_backup_due_at, id LIMIT $4 "
            + "FOR UPDATE SKIP LOCKED)) RETURNING t.id, t.plan")
        .execute(Tuple.of(plans.toArray(new String[0]), everySeconds.toArray(new Long[0]), defaultEverySeconds, limit))
        .map(rows -> {
          List<BackupDue> out = new ArrayList<>();
          rows.forEach(r -> out.add(new BackupDue(r.getLong("id"), r.getString("plan"))));
          out.sort(java.util.Comparator.comparingLong(BackupDue::id));
          return out;
        });
  }

  /** Where the tenant is, in words for operators ({@code status_detail}). */
  public Future<Void> setDetail(SqlClient sql, long id, String detail) {
    return setColumn(sql, id, "status_detail", detail);
  }

  /** The sealed secrets kept in the tenant row. */
  public enum SealedColumn {
    DB_PASSWORD("db_password_enc"), ADMIN_PASSWORD("admin_password_enc");

    private final String column;

    SealedColumn(String column) {
      this.column = column;
    }
  }

  /**
   * The sealed value of {@code column}, set to {@code candidate} first when it has none: the first
   * writer wins, so two runners can never end up with different passwords.
   */
  public Future<String> sealedOrSet(SqlClient sql, long id, SealedColumn column, String candidate) {
    String c = column.column;
    return sql.preparedQuery("UPDATE tenants SET " + c + " = coalesce(" + c + ", $2) WHERE id = $1 RETURNING " + c)
        .execute(Tuple.of(id, candidate))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new IllegalStateException("tenant " + id + " no longer exists");
          }
          return rows.iterator().next().getString(0);
        });
  }

  /**
   * {@code POST /admin/tenants/{id}/credentials}: asks for a new administrator password, in the
   * caller's transaction. Returns the rotation's number, which the reconcile's reset step works towards.
   */
  public Future<Integer> requestAdminPasswordRotation(SqlClient sql, long id) {
    return sql.preparedQuery("UPDATE tenants SET admin_password_rotation = admin_password_rotation + 1, "
            + "updated_at = now() WHERE id = $1 RETURNING admin_password_rotation")
        .execute(Tuple.of(id)).map(rows -> rows.iterator().next().getInteger(0));
  }

  /**
   * The sealed administrator password of rotation {@code rotation}: {@code candidate} replaces the
   * kept one when that belongs to an older rotation. The first writer for a rotation wins, so two
   * runners can never set different passwords for it.
   */
  public Future<String> sealedForRotation(SqlClient sql, long id, int rotation, String candidate) {
    return sql.preparedQuery("UPDATE tenants SET admin_password_enc = CASE WHEN admin_password_rotated < $3 "
            + "THEN $2 ELSE admin_password_enc END, admin_password_rotated = GREATEST(admin_password_rotated, $3) "
            + "WHERE id = $1 RETURNING admin_password_enc")
        .execute(Tuple.of(id, candidate, rotation))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new IllegalStateException("tenant " + id + " no longer exists");
          }
          return rows.iterator().next().getString(0);
        });
  }

  /** The sealed administrator password, empty before one was generated. */
  public Future<Optional<String>> sealedAdminPassword(SqlClient sql, long id) {
    return sql.preparedQuery("SELECT admin_password_enc FROM tenants WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  /** The customer's e-mail (users.email): for the ca-admin Secret and messages, never for git. */
  public Future<Optional<String>> contactEmail(SqlClient sql, long id) {
    return sql.preparedQuery("SELECT u.email FROM tenants t JOIN users u ON u.id = t.user_id WHERE t.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  /** Records whether the tenant's contact lives in its tenant.yaml ({@code spec.adminEmail}). */
  public Future<Void> setAdminEmailInGit(SqlClient sql, long id, boolean inGit) {
    return setColumn(sql, id, "admin_email_in_git", inGit);
  }

  /** @param chartVersion null: the configured default */
  public Future<Void> setChartVersion(SqlClient sql, long id, String chartVersion) {
    return setColumn(sql, id, "chart_version", chartVersion);
  }

  /** @param image null: the configured CA_DOCKER_IMAGE */
  public Future<Void> setImage(SqlClient sql, long id, String image) {
    return setColumn(sql, id, "image", image);
  }

  /** The rollout whose upgrade or rollback the tenant's next commit carries. */
  public Future<Void> setRollout(SqlClient sql, long id, long rolloutId) {
    return setColumn(sql, id, "rollout_id", rolloutId);
  }

  public Future<Void> setUser(SqlClient sql, long id, long userId) {
    return setColumn(sql, id, "user_id", userId);
  }

  /** One column of one tenant; {@code column} is always a constant of this class, never input. */
  private static Future<Void> setColumn(SqlClient sql, long id, String column, Object value) {
    return sql.preparedQuery("UPDATE tenants SET " + column + " = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(id, value)).mapEmpty();
  }

  private static StoredTenant stored(Row r) {
    return new StoredTenant(map(r), Boolean.TRUE.equals(r.getBoolean("admin_email_in_git")),
        Optional.ofNullable(r.getString("git_admin_email")));
  }

  private static List<Tenant> all(RowSet<Row> rows) {
    List<Tenant> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }

  private static Optional<Tenant> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
  }

  static Tenant map(Row r) {
    TenantNames names = new TenantNames(r.getString("name"), r.getString("namespace"), r.getString("db_name"),
        r.getString("db_user"), r.getString("app_name"), r.getString("domain"));
    return new Tenant(r.getLong("id"), Optional.ofNullable(r.getLong("user_id")), names, r.getString("plan"),
        TenantStatus.fromWire(r.getString("status")), Optional.ofNullable(r.getString("status_detail")),
        TenantSource.fromWire(r.getString("source")), Optional.ofNullable(r.getString("chart_version")),
        Optional.ofNullable(r.getString("stripe_customer_id")),
        Optional.ofNullable(r.getString("stripe_subscription_id")), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("updated_at"), Optional.ofNullable(r.getOffsetDateTime("deployed_at")),
        Optional.ofNullable(r.getOffsetDateTime("deletion_due_at")), r.getLong("generation"),
        Optional.ofNullable(r.getString("intent")).map(kind -> new Intent(IntentKind.fromWire(kind),
            r.getString("intent_by"), Optional.ofNullable(r.getString("intent_stripe_event")))),
        r.getInteger("admin_password_rotation"), r.getLong("backup_requested"), r.getLong("restore_requested"),
        Optional.ofNullable(r.getString("image")), Optional.ofNullable(r.getLong("rollout_id")));
  }
}

package io.caprovisioner.gitimport;


import io.caprovisioner.db.LogStatus;
import io.caprovisioner.config.Config;
import io.caprovisioner.db.ProvisioningLog;
import io.caprovisioner.db.TenantRepository;
import io.caprovisioner.db.TenantRepository.StoredTenant;
import io.caprovisioner.gitops.BranchSnapshot;
import io.caprovisioner.gitops.BranchSnapshot.Relation;
import io.caprovisioner.lifecycle.LifecycleException;
import io.caprovisioner.lifecycle.TenantLifecycle;
import io.caprovisioner.tenant.TenantSource;
import io.caprovisioner.tenant.TenantStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One import of the gitops branch into PostgreSQL (level-triggered: compare, then act on the
 * difference). Only tenant folders that people changed since the last imported commit are looked
 * at, so the service's own commits are no-ops without a word. Deletions come only from folders a
 * commit removed between the last imported commit and a tip that descends from it; a failed fetch,
 * an unreadable file, a rewritten history or an emptied branch never delete anything.
 *
 * <p>One replica imports at a time (a PostgreSQL advisory lock); each tenant's change is its own
 * transaction, and the new tip is recorded last, so an import cut short is simply repeated.
 */
public final class GitImporter {
  private static final Logger LOG = LoggerFactory.getLogger(GitImporter.class);
  /** pg_advisory_lock key: "git import" for every replica on this database. */
  static final long LOCK_KEY = 0x6361_6769_7469_6dL;
  /** How long a confirmation of held deletions waits for an import under way to finish. */
  static final Duration CONFIRM_LOCK_WAIT = Duration.ofSeconds(5);
  private static final long LOCK_RETRY_MILLIS = 200;

  private final Vertx vertx;
  private final Pool pool;
  private final Config config;
  private final BranchSource branch;
  private final TenantLifecycle lifecycle;
  private final ImportedTenantApplier reconciler;
  private final RemovalGuard guard;
  private final ImportStateStore state = new ImportStateStore();
  private final TenantRepository tenants = new TenantRepository();
  private final ProvisioningLog log = new ProvisioningLog();

  public GitImporter(Vertx vertx, Pool pool, Config config, BranchSource branch, TenantLifecycle lifecycle) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.branch = branch;
    this.lifecycle = lifecycle;
    this.reconciler = new ImportedTenantApplier(lifecycle, config.plans());
    this.guard = new RemovalGuard(config.gitops().maxDeletions());
  }

  /** What one run did. {@code skipped}: another replica was importing. */
  public record Outcome(boolean skipped, Optional<String> commit, List<String> actions) {
  }

  public Future<Outcome> run() {
    return pool.withConnection(conn -> conn.preparedQuery("SELECT pg_try_advisory_lock($1) AS locked")
        .execute(Tuple.of(LOCK_KEY))
        .compose(rows -> {
          if (!rows.iterator().next().getBoolean("locked")) {
            return Future.succeededFuture(new Outcome(true, Optional.empty(), List.of()));
          }
          return locked(conn).eventually(() -> conn.preparedQuery("SELECT pg_advisory_unlock($1)")
              .execute(Tuple.of(LOCK_KEY)));
        }));
  }

  private Future<Outcome> locked(SqlConnection conn) {
    return state.lastCommit(conn).compose(last -> branch.snapshot(last)
            .recover(e -> Future.failedFuture(new FetchFailed(e)))
            .compose(snapshot -> importSnapshot(conn, snapshot)
                .compose(actions -> snapshot.tip().isEmpty() ? Future.succeededFuture(actions)
                    : state.recordImported(conn, snapshot.tip().get()).map(actions))
                .map(actions -> new Outcome(false, snapshot.tip(), actions))))
        .recover(e -> failed(conn, e));
  }

  /** A fetch that failed: nothing was looked at, so nothing can have been deleted. */
  private static final class FetchFailed extends RuntimeException {
    FetchFailed(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Nothing more is done; the next run starts again from the same last imported commit. The error
   * is kept for operators (GET /admin/gitops/import) and logged only when it differs from the last.
   */
  private Future<Outcome> failed(SqlConnection conn, Throwable e) {
    String message = (e instanceof FetchFailed ? "fetch failed, nothing imported: "
        : "import failed, to be repeated from the last imported commit: ") + e.getMessage();
    return state.recordFailure(conn, message)
        .otherwiseEmpty()
        .compose(previous -> {
          if (previous == null || !previous.equals(Optional.of(message))) {
            LOG.warn("git import: {}", message, e instanceof FetchFailed ? null : e);
          }
          return Future.failedFuture(e);
        });
  }

  private Future<List<String>> importSnapshot(SqlConnection conn, BranchSnapshot snapshot) {
    if (snapshot.tip().isEmpty() || snapshot.relation() == Relation.SAME) {
      return Future.succeededFuture(List.of());
    }
    String tip = snapshot.tip().get();
    String requestedBy = "git-import@" + ImportedTenantApplier.shortSha(tip);
    if (snapshot.relation() == Relation.REWRITTEN) {
      LOG.warn("git import: the branch was rewritten (force-push): its history no longer contains the last "
          + "imported commit. Nothing is deleted; new manual tenants at {} are still imported", tip);
    }
    return vertx.executeBlocking(() -> snapshot.files().stream().map(f -> ParsedTenantFile.parse(f, config)).toList(),
            false)
        .compose(files -> {
          // only what people changed; after a rewrite or on the first import: every file, but creations only
          boolean full = snapshot.relation() == Relation.DESCENDANT;
          List<ParsedTenantFile> candidates = full
              ? files.stream().filter(f -> snapshot.changedByPeople().contains(f.folder())).toList() : files;
          // a held deletion's folder is back only if it changed since (after a full read: is there at all)
          Set<String> present = snapshot.changedAtTip();
          Set<String> removed = full ? intersect(snapshot.removedFolders(), snapshot.changedByPeople()) : Set.of();
          Set<String> namespaces = new HashSet<>();
          candidates.forEach(f -> namespaces.add(f.folderNamespace()));
          removed.forEach(f -> namespaces.add(f.substring(f.lastIndexOf('/') + 1)));
          return tenants.storedByNamespaces(conn, namespaces).compose(stored -> state.pending(conn)
              .compose(pending -> {
                List<String> actions = new ArrayList<>();
                Future<Void> chain = Future.succeededFuture();
                for (ParsedTenantFile file : candidates) {
                  chain = chain.compose(v -> importFile(conn, file, stored.get(file.folderNamespace()), full,
                      requestedBy, tip).map(actions::addAll).mapEmpty());
                }
                for (ImportStateStore.PendingDeletion p : pending) {
                  if (present.contains(io.caprovisioner.tenant.TenantNames.folderOf(p.namespace()))) {
                    chain = chain.compose(v -> state.release(conn, p.tenantId()))
                        .map(v -> actions.add(p.namespace() + ": back in Git, no longer waiting for deletion"))
                        .mapEmpty();
                  }
                }
                return chain.compose(v -> removals(conn, removed, stored, snapshot.tenantsAtTip(), requestedBy, tip))
                    .map(done -> {
                      actions.addAll(done);
                      return actions;
                    });
              }));
        });
  }

  private Future<List<String>> importFile(SqlConnection conn, ParsedTenantFile file, StoredTenant stored,
      boolean full, String requestedBy, String tip) {
    String ns = file.folderNamespace();
    if (file.desired().isEmpty()) {
      String message = file.path() + " cannot be imported (nothing done for it): " + file.problem().orElse("");
      LOG.warn("git import: {}", message);
      return stored == null ? Future.succeededFuture(List.of(message))
          : log.append(conn, stored.tenant().id(), ImportedTenantApplier.LOG_STEP, LogStatus.INFO, message)
              .map(List.of(message));
    }
    if (stored == null) {
      return perTenant(conn, ns, sql -> reconciler.create(sql, file.desired().get(), requestedBy));
    }
    if (!full) {
      return Future.succeededFuture(List.of());
    }
    return perTenant(conn, ns, sql -> reconciler.update(sql, stored, file.desired().get(), requestedBy, tip));
  }

  /**
   * Removed folders: manual tenants are deleted (unless a mass removal must wait); Stripe-owned
   * ones are not, and their log says so; tenants already deleting (the service's own removal) are
   * left alone.
   */
  private Future<List<String>> removals(SqlConnection conn, Set<String> removed, Map<String, StoredTenant> stored,
      int tenantsAtTip, String requestedBy, String tip) {
    List<String> actions = new ArrayList<>();
    List<StoredTenant> toDelete = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String folder : removed.stream().sorted().toList()) {
      StoredTenant s = stored.get(folder.substring(folder.lastIndexOf('/') + 1));
      if (s == null || s.tenant().status() == TenantStatus.DELETING || s.tenant().status() == TenantStatus.DELETED) {
        continue;
      }
      if (s.tenant().source() == TenantSource.STRIPE) {
        String message = "its folder was removed from Git (commit " + ImportedTenantApplier.shortSha(tip) + ") but this "
            + "tenant is owned by Stripe: not deleted (cancel the subscription, or use the admin API)";
        chain = chain.compose(v -> log.append(conn, s.tenant().id(), ImportedTenantApplier.LOG_STEP, LogStatus.INFO, message))
            .map(v -> actions.add(s.tenant().names().namespace() + ": " + message)).mapEmpty();
      } else {
        toDelete.add(s);
      }
    }
    if (guard.mustWait(toDelete.size(), tenantsAtTip)) {
      String reason = guard.reason(toDelete.size(), tenantsAtTip);
      LOG.warn("git import: {}: {} deletion(s) wait for an operator (GET /admin/gitops/pending-deletions, then "
          + "POST /admin/gitops/pending-deletions/confirm)", reason, toDelete.size());
      for (StoredTenant s : toDelete) {
        String message = "its folder was removed from Git (commit " + ImportedTenantApplier.shortSha(tip) + "); " + reason
            + ": the deletion waits for an operator's confirmation";
        chain = chain.compose(v -> state.hold(conn, s.tenant().id(), s.tenant().names().namespace(), tip))
            .compose(v -> log.append(conn, s.tenant().id(), ImportedTenantApplier.LOG_STEP, LogStatus.WAITING, message))
            .map(v -> actions.add(s.tenant().names().namespace() + ": " + message)).mapEmpty();
      }
      return chain.map(actions);
    }
    for (StoredTenant s : toDelete) {
      String ns = s.tenant().names().namespace();
      chain = chain.compose(v -> perTenant(conn, ns, sql -> lifecycle.delete(sql, s.tenant().id(), false,
          requestedBy, Optional.empty()).map(t -> List.of("deleted: its folder was removed from Git"))))
          .map(actions::addAll).mapEmpty();
    }
    return chain.map(actions);
  }

  /**
   * One tenant's change in its own transaction. A refusal by the lifecycle (e.g. a status that does
   * not allow it) is that tenant's problem, logged; anything else fails the import, which is then
   * repeated from the same commit.
   */
  private Future<List<String>> perTenant(SqlConnection conn, String namespace,
      Function<SqlConnection, Future<List<String>>> work) {
    return conn.begin().compose(tx -> work.apply(conn)
        .compose(done -> tx.commit().map(done),
            e -> tx.rollback().transform(x -> Future.<List<String>>failedFuture(e))))
        .map(done -> {
          done.forEach(m -> LOG.info("git import: {}: {}", namespace, m));
          return done.stream().map(m -> namespace + ": " + m).toList();
        })
        .recover(e -> {
          boolean integrity = e instanceof PgException pg && pg.getSqlState() != null
              && pg.getSqlState().startsWith("23");
          if (!(e instanceof LifecycleException) && !integrity) {
            return Future.failedFuture(e);
          }
          String message = "not applied from Git: " + e.getMessage();
          LOG.warn("git import: {}: {}", namespace, message);
          return tenants.byNamespace(conn, namespace).compose(t -> t.isEmpty() ? Future.succeededFuture()
                  : log.append(conn, t.get().id(), ImportedTenantApplier.LOG_STEP, LogStatus.FAILED, message))
              .map(v -> List.of(namespace + ": " + message));
        });
  }

  /**
   * The advisory lock was held by another import (this process's poll or another replica) for
   * longer than the confirmation waits for it; nothing was imported or deleted.
   */
  public static final class ImportBusy extends RuntimeException {
    ImportBusy(String message) {
      super(message);
    }
  }

  /** The re-import before a confirmation failed; nothing was deleted. */
  public static final class RecheckFailed extends RuntimeException {
    RecheckFailed(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Confirms the held deletions: imports once more first, so that folders restored in Git meanwhile
   * are no longer pending, then deletes each remaining tenant as if its removal had just been
   * imported. Both happen on one connection holding the import's advisory lock, so no other import
   * runs in between; when the lock cannot be had within {@link #CONFIRM_LOCK_WAIT} the future fails
   * with {@link ImportBusy}, and when the re-import fails with {@link RecheckFailed}: either way
   * nothing is deleted.
   */
  public Future<List<String>> confirmPendingDeletions(String requestedBy) {
    return pool.withConnection(conn -> tryLock(conn, System.nanoTime() + CONFIRM_LOCK_WAIT.toNanos())
        .compose(locked -> {
          if (!locked) {
            return Future.failedFuture(new ImportBusy("another git import is running (scheduled poll or another "
                + "replica); nothing was deleted: retry in a few seconds"));
          }
          return locked(conn)
              .recover(e -> Future.failedFuture(new RecheckFailed(e)))
              .compose(outcome -> confirmLocked(conn, requestedBy))
              .eventually(() -> conn.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(LOCK_KEY)));
        }));
  }

  /** pg_try_advisory_lock on {@code conn}, again every {@value #LOCK_RETRY_MILLIS} ms until {@code deadline}. */
  private Future<Boolean> tryLock(SqlConnection conn, long deadline) {
    return conn.preparedQuery("SELECT pg_try_advisory_lock($1) AS locked").execute(Tuple.of(LOCK_KEY))
        .compose(rows -> {
          if (rows.iterator().next().getBoolean("locked")) {
            return Future.succeededFuture(true);
          }
          if (System.nanoTime() + LOCK_RETRY_MILLIS * 1_000_000 > deadline) {
            return Future.succeededFuture(false);
          }
          return vertx.timer(LOCK_RETRY_MILLIS).compose(x -> tryLock(conn, deadline));
        });
  }

  /** The held deletions, deleted; only with the advisory lock held on {@code conn}. */
  private Future<List<String>> confirmLocked(SqlConnection conn, String requestedBy) {
    return state.pending(conn).compose(pending -> {
      List<String> deleted = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (ImportStateStore.PendingDeletion p : pending) {
        chain = chain.compose(v -> perTenant(conn, p.namespace(), sql -> tenants.byId(sql, p.tenantId())
            .compose(t -> t.isEmpty() || t.get().status() == TenantStatus.DELETING
                || t.get().status() == TenantStatus.DELETED ? Future.succeededFuture(List.<String>of())
                : lifecycle.delete(sql, p.tenantId(), false, requestedBy, Optional.empty())
                    .map(x -> List.of("deleted: removal from Git confirmed by " + requestedBy)))
            .compose(done -> state.release(sql, p.tenantId()).map(done))))
            .map(done -> deleted.add(p.namespace())).mapEmpty();
      }
      return chain.map(deleted);
    });
  }

  private static Set<String> intersect(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.retainAll(b);
    return out;
  }
}

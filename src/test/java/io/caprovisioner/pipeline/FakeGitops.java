package io.caprovisioner.pipeline;

import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.gitops.GitopsUnavailableException;
import io.caprovisioner.gitops.GitopsWriter;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Test double of the gitops repository: what is committed per namespace, and every commit. */
public final class FakeGitops implements GitopsWriter, TenantRenderer {
  public final Map<String, TenantDesired> repo = new ConcurrentHashMap<>();
  public final List<String> commits = new CopyOnWriteArrayList<>();
  private final AtomicInteger sha = new AtomicInteger();
  /** True: the remote is down, every write fails as the real writer's does. */
  public volatile boolean down;

  @Override
  public RenderedTenant render(TenantDesired desired) {
    return new RenderedTenant("tenants/" + desired.names().shard() + "/" + desired.names().namespace(),
        new TreeMap<>(Map.of("tenant.yaml", desired.toString())), hash(desired.toString()));
  }

  @Override
  public synchronized Future<Optional<String>> write(TenantDesired desired, GitChange change) {
    if (down) {
      return Future.failedFuture(new GitopsUnavailableException("cannot push to the gitops repository "
          + "https://git.example.org/gitops.git: connection refused", null));
    }
    if (desired.equals(repo.get(desired.names().namespace()))) {
      return Future.succeededFuture(Optional.empty());
    }
    repo.put(desired.names().namespace(), desired);
    String id = "c" + sha.incrementAndGet();
    commits.add(id + " " + change.action().trailer() + " " + desired.names().namespace() + " " + desired.state().wire());
    return Future.succeededFuture(Optional.of(id));
  }

  /** Counts the probe's looks, so a test can tell one probe from one call per tenant. */
  public final AtomicInteger probes = new AtomicInteger();

  @Override
  public Future<Void> reachable() {
    probes.incrementAndGet();
    return down ? Future.failedFuture(new GitopsUnavailableException("cannot fetch from the gitops repository "
        + "https://git.example.org/gitops.git: connection refused", null)) : Future.succeededFuture();
  }

  @Override
  public synchronized Future<Optional<String>> remove(TenantNames names, GitChange change) {
    if (repo.remove(names.namespace()) == null) {
      return Future.succeededFuture(Optional.empty());
    }
    String id = "c" + sha.incrementAndGet();
    commits.add(id + " delete " + names.namespace());
    return Future.succeededFuture(Optional.of(id));
  }

  static String hash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

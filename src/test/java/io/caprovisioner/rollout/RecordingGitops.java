package io.caprovisioner.rollout;

import io.caprovisioner.gitops.GitAction;
import io.caprovisioner.gitops.GitChange;
import io.caprovisioner.gitops.GitopsWriter;
import io.caprovisioner.pipeline.FakeGitops;
import io.caprovisioner.render.RenderedTenant;
import io.caprovisioner.render.TenantRenderer;
import io.caprovisioner.tenant.TenantDesired;
import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link FakeGitops}, keeping each commit's trailers (Action, Rollout) and the image it deploys. */
final class RecordingGitops implements GitopsWriter, TenantRenderer {
  record Commit(String namespace, GitAction action, Optional<Long> rollout, Optional<String> image) {
  }

  final FakeGitops repo = new FakeGitops();
  final List<Commit> commits = new CopyOnWriteArrayList<>();

  @Override
  public RenderedTenant render(TenantDesired desired) {
    return repo.render(desired);
  }

  @Override
  public synchronized Future<Optional<String>> write(TenantDesired desired, GitChange change) {
    return repo.write(desired, change).onSuccess(sha -> sha.ifPresent(s -> commits.add(new Commit(
        desired.names().namespace(), change.action(), change.rolloutId(), desired.image()))));
  }

  @Override
  public Future<Void> reachable() {
    return repo.reachable();
  }

  @Override
  public Future<Optional<String>> remove(TenantNames names, GitChange change) {
    return repo.remove(names, change);
  }

  List<Commit> of(String namespace, GitAction action) {
    return commits.stream().filter(c -> c.namespace().equals(namespace) && c.action() == action).toList();
  }
}

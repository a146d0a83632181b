package io.caprovisioner.pipeline;

import java.time.Duration;

/**
 * How the tenant steps poll and how long they wait before failing.
 *
 * @param unavailableRetry  no longer read by the steps: a missing dependency parks the tenant on its
 *                          breaker ({@link DependencyBreakers}), which has its own timing
 * @param awaitPoll         argocd.await / argocd.gone / k8s.delete poll
 * @param awaitTimeout      Argo CD errors become a failure after this long
 * @param installPoll       ca.install poll
 * @param installTimeout    a still-running installer Job fails after this long
 * @param caRoot            CollectiveAccess's directory in CA_DOCKER_IMAGE (the chart's ca.root)
 */
public record PipelineOptions(Duration unavailableRetry, Duration awaitPoll, Duration awaitTimeout,
    Duration installPoll, Duration installTimeout, String caRoot) {

  public static PipelineOptions defaults() {
    return new PipelineOptions(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(15),
        Duration.ofSeconds(5), Duration.ofMinutes(30), "/var/www/html");
  }
}

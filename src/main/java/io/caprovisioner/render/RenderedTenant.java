package io.caprovisioner.render;

import java.util.SortedMap;

/**
 * The files of one tenant in the gitops repo.
 *
 * @param directory  {@code tenants/<shard>/<namespace>}
 * @param files      file name (e.g. {@code tenant.yaml}) to its exact bytes as UTF-8 text
 * @param specHash   hash of the rendered Application/HelmRelease spec; also rendered into it as the
 *                   annotation {@value #SPEC_HASH_ANNOTATION} so {@code argocd.await} can tell
 *                   when Argo CD carries exactly this spec
 */
public record RenderedTenant(String directory, SortedMap<String, String> files, String specHash) {
  public static final String SPEC_HASH_ANNOTATION = "caprovisioner.io/spec-hash";
}

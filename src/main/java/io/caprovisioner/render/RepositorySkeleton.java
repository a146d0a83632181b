package io.caprovisioner.render;

import io.caprovisioner.config.Config;
import io.caprovisioner.config.RenderSettings;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The files a new gitops repository starts with, by repository path: the skeleton (the
 * operator's or the jar's) and the rendering settings file that CI and staff's tools render with.
 * The same for the service's first commit and for {@code ca-provisioner tenant init}.
 */
public final class RepositorySkeleton {
  private RepositorySkeleton() {
  }

  public static SortedMap<String, byte[]> files(Config config) {
    SortedMap<String, byte[]> files = new TreeMap<>(TemplateSource.of(config.gitops()).skeleton());
    // an operator's own skeleton may bring its own settings file
    files.putIfAbsent(RenderSettings.FILE, RenderSettings.text(config).getBytes(StandardCharsets.UTF_8));
    return files;
  }
}

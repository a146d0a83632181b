package io.caprovisioner.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.render.CrdSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What operators apply once: valid against Argo CD's CRDs, and never syncing tenant.yaml. */
class ArgocdBootstrapFilesTest {
  @Test
  void everyFileInArgocdValidatesAgainstTheCrds() throws Exception {
    CrdSchemas crds = new CrdSchemas();
    List<String> problems = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("argocd"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : CrdSchemas.loadAll(Files.readString(file))) {
          kinds.add(String.valueOf(((Map<?, ?>) doc).get("kind")));
          crds.validate(doc).forEach(p -> problems.add(file + ": " + p));
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(kinds).contains("AppProject", "Application", "ApplicationSet");
  }

  @Test
  void rootAppsIncludeOnlyApplicationYaml() throws Exception {
    for (String file : List.of("argocd/root-app.yaml", "argocd/applicationset.yaml")) {
      String text = Files.readString(Path.of(file));
      assertThat(text).as(file).contains("include: '{application.yaml,*/application.yaml}'")
          .contains("recurse: true");
    }
  }
}

package io.caprovisioner.render;

import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.Node;

/** The one YAML dialect of the gitops repository: how templates are read and manifests written. */
final class YamlText {
  private YamlText() {
  }

  static List<Node> parseAll(String text, String label) {
    LoadSettings settings = LoadSettings.builder().setLabel(label).setParseComments(true)
        // templates and tenant.yaml are small; anything with aliases is not ours
        .setAllowRecursiveKeys(false).setMaxAliasesForCollections(0).build();
    List<Node> documents = new ArrayList<>();
    for (Node document : new Compose(settings).composeAllFromString(text)) {
      documents.add(document);
    }
    return documents;
  }

  /** Kubernetes-style block YAML; several documents are separated by {@code ---}. */
  static String dump(List<Node> documents) {
    DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
        .setIndicatorIndent(2).setIndentWithIndicator(true).setWidth(4096).setSplitLines(false)
        .setDumpComments(true).setExplicitStart(documents.size() > 1).build();
    StringBuilder out = new StringBuilder();
    StreamDataWriter writer = new StreamDataWriter() {
      @Override
      public void write(String text) {
        out.append(text);
      }

      @Override
      public void write(String text, int off, int len) {
        out.append(text, off, off + len);
      }
    };
    Dump dump = new Dump(settings);
    for (Node document : documents) {
      dump.dumpNode(document, writer);
    }
    return out.toString();
  }
}

package io.caprovisioner.render;

import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Deep copies of YAML nodes, so rendering never changes a parsed template. */
final class NodeCopy {
  private NodeCopy() {
  }

  /** @param keepComments false for a subtree pasted elsewhere, whose comments describe its old home */
  static Node of(Node node, boolean keepComments) {
    Node copy;
    if (node instanceof ScalarNode s) {
      copy = new ScalarNode(s.getTag(), s.getValue(), s.getScalarStyle());
    } else if (node instanceof MappingNode m) {
      List<NodeTuple> entries = new ArrayList<>();
      for (NodeTuple t : m.getValue()) {
        entries.add(new NodeTuple(of(t.getKeyNode(), keepComments), of(t.getValueNode(), keepComments)));
      }
      copy = new MappingNode(m.getTag(), entries, m.getFlowStyle());
    } else if (node instanceof SequenceNode q) {
      List<Node> items = new ArrayList<>();
      for (Node item : q.getValue()) {
        items.add(of(item, keepComments));
      }
      copy = new SequenceNode(q.getTag(), items, q.getFlowStyle());
    } else {
      throw new GitopsTemplateException("anchors and aliases are not supported in templates");
    }
    if (keepComments) {
      comments(node, copy);
    }
    return copy;
  }

  static void comments(Node from, Node to) {
    to.setBlockComments(from.getBlockComments());
    to.setInLineComments(from.getInLineComments());
    to.setEndComments(from.getEndComments());
  }
}

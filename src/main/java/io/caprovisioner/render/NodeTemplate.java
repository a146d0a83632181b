package io.caprovisioner.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One template file, parsed once into YAML nodes. Rendering copies the nodes and replaces
 * {@code ${name}} placeholders in scalar values with new nodes, so a value can only ever become a
 * scalar (or, for {@code values}, a whole subtree we built): it cannot inject YAML structure.
 *
 * <p>A scalar that is exactly one placeholder takes the value's type (a boolean stays a boolean,
 * text stays text even when it looks like a number). A placeholder inside longer text is spliced
 * into that text. A placeholder without a value removes what uses it: the mapping entry, the
 * whole list item, and a mapping or list left empty by that.
 */
final class NodeTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

  private final String name;
  private final List<Node> documents;

  NodeTemplate(String name, String text, Set<String> allowed) {
    this.name = name;
    try {
      this.documents = List.copyOf(YamlText.parseAll(text, name));
    } catch (YamlEngineException e) {
      throw new GitopsTemplateException(name + " is not valid YAML: " + e.getMessage());
    }
    if (documents.isEmpty()) {
      throw new GitopsTemplateException(name + " is empty");
    }
    for (Node document : documents) {
      checkPlaceholders(document, allowed);
    }
  }

  String name() {
    return name;
  }

  int documentCount() {
    return documents.size();
  }

  List<Node> render(TemplateValues values) {
    List<Node> out = new ArrayList<>();
    for (Node document : documents) {
      Rendered r = substitute(document, values);
      if (r == null) {
        throw new GitopsTemplateException(name + ": a document is left empty for this tenant");
      }
      out.add(r.node());
    }
    return out;
  }

  /** A rendered node; {@code partial} when a mapping lost entries to missing values. */
  private record Rendered(Node node, boolean partial) {
  }

  private Rendered substitute(Node node, TemplateValues values) {
    if (node instanceof ScalarNode scalar) {
      Node replaced = substituteScalar(scalar, values);
      return replaced == null ? null : new Rendered(replaced, false);
    }
    if (node instanceof MappingNode mapping) {
      List<NodeTuple> entries = new ArrayList<>();
      boolean dropped = false;
      for (NodeTuple entry : mapping.getValue()) {
        Rendered value = substitute(entry.getValueNode(), values);
        if (value == null) {
          dropped = true;
          continue;
        }
        entries.add(new NodeTuple(NodeCopy.of(entry.getKeyNode(), true), value.node()));
      }
      if (dropped && entries.isEmpty()) {
        return null;
      }
      MappingNode copy = new MappingNode(mapping.getTag(), entries, mapping.getFlowStyle());
      NodeCopy.comments(mapping, copy);
      return new Rendered(copy, dropped);
    }
    if (node instanceof SequenceNode sequence) {
      List<Node> items = new ArrayList<>();
      boolean dropped = false;
      for (Node item : sequence.getValue()) {
        Rendered value = substitute(item, values);
        if (value == null || value.partial()) {
          dropped = true;
          continue;
        }
        items.add(value.node());
      }
      if (dropped && items.isEmpty()) {
        return null;
      }
      SequenceNode copy = new SequenceNode(sequence.getTag(), items, sequence.getFlowStyle());
      NodeCopy.comments(sequence, copy);
      return new Rendered(copy, false);
    }
    throw new GitopsTemplateException(name + ": anchors and aliases are not supported in templates");
  }

  /** The new scalar (or subtree), or null when a placeholder in it has no value. */
  private Node substituteScalar(ScalarNode scalar, TemplateValues values) {
    String text = scalar.getValue();
    Matcher m = PLACEHOLDER.matcher(text);
    if (!m.find()) {
      return NodeCopy.of(scalar, true);
    }
    if (m.start() == 0 && m.end() == text.length()) {
      Optional<Object> value = values.get(m.group(1));
      if (value.isEmpty()) {
        return null;
      }
      Node replaced = whole(value.get(), scalar);
      NodeCopy.comments(scalar, replaced);
      return replaced;
    }
    StringBuilder spliced = new StringBuilder();
    m.reset();
    while (m.find()) {
      Optional<Object> value = values.get(m.group(1));
      if (value.isEmpty()) {
        return null;
      }
      if (value.get() instanceof Node) {
        throw new GitopsTemplateException(name + ": ${" + m.group(1) + "} is a mapping and must be a value on its own");
      }
      m.appendReplacement(spliced, Matcher.quoteReplacement(String.valueOf(value.get())));
    }
    m.appendTail(spliced);
    String result = spliced.toString();
    ScalarNode replaced = new ScalarNode(Tag.STR, result, Yaml11Scalars.styleFor(result, plainUnlessQuoted(scalar)));
    NodeCopy.comments(scalar, replaced);
    return replaced;
  }

  private Node whole(Object value, ScalarNode at) {
    if (value instanceof Node subtree) {
      if (!at.isPlain()) {
        throw new GitopsTemplateException(name + ": a quoted placeholder cannot stand for a mapping");
      }
      return NodeCopy.of(subtree, false);
    }
    if (value instanceof Boolean b && at.isPlain()) {
      return new ScalarNode(Tag.BOOL, b.toString(), ScalarStyle.PLAIN);
    }
    // Tag.STR: the emitter quotes the text whenever plain YAML would read it as something else
    String text = String.valueOf(value);
    return new ScalarNode(Tag.STR, text, Yaml11Scalars.styleFor(text, plainUnlessQuoted(at)));
  }

  private static ScalarStyle plainUnlessQuoted(ScalarNode template) {
    return template.isPlain() ? ScalarStyle.PLAIN : template.getScalarStyle();
  }

  private void checkPlaceholders(Node node, Set<String> allowed) {
    if (node instanceof ScalarNode scalar) {
      Matcher m = PLACEHOLDER.matcher(scalar.getValue());
      while (m.find()) {
        if (!allowed.contains(m.group(1))) {
          String line = scalar.getStartMark().map(mark -> " line " + (mark.getLine() + 1)).orElse("");
          throw new GitopsTemplateException(name + line + ": unknown placeholder ${" + m.group(1)
              + "}; this template may use " + new TreeSet<>(allowed));
        }
      }
    } else if (node instanceof MappingNode mapping) {
      for (NodeTuple entry : mapping.getValue()) {
        checkPlaceholders(entry.getValueNode(), allowed);
      }
    } else if (node instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        checkPlaceholders(item, allowed);
      }
    }
  }
}

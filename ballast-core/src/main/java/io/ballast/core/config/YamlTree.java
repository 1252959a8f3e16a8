package io.ballast.core.config;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.ballast.core.config.YamlNode.Entry;
import io.ballast.core.config.YamlNode.Kind;
import io.ballast.core.config.YamlNode.Mapping;
import io.ballast.core.config.YamlNode.Scalar;
import io.ballast.core.config.YamlNode.Sequence;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns YAML text into a {@link YamlNode} tree using Jackson's streaming YAML parser (parsing only,
 * no data binding), taking each node's line from the parser's token location.
 *
 * <p>Besides syntax errors it reports duplicate keys in one mapping, which YAML forbids but most
 * parsers silently resolve to the last value. Anchors and aliases ({@code &t}, {@code *t}) and
 * merge keys ({@code <<: *t}) work; an aliased node is shared, not copied.
 */
final class YamlTree {
  // The builder leaves EMPTY_STRING_AS_NULL off; without it "key:" would read as "" not absent.
  private static final YAMLFactory FACTORY =
      YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

  private final YAMLParser parser;
  private final Diagnostics diag;
  private final Map<String, YamlNode> anchors = new HashMap<>();

  private YamlTree(YAMLParser parser, Diagnostics diag) {
    this.parser = parser;
    this.diag = diag;
  }

  /**
   * Parses a single-document YAML text. Returns {@code null} after recording an error when the text
   * is empty or not valid YAML.
   */
  static YamlNode parse(String text, Diagnostics diag) {
    try (YAMLParser p = FACTORY.createParser(text)) {
      YamlTree tree = new YamlTree(p, diag);
      JsonToken first = p.nextToken();
      if (first == null || first == JsonToken.VALUE_NULL) {
        diag.error(0, "", "the file is empty (a config needs at least 'listeners' and 'pools')");
        return null;
      }
      YamlNode root = tree.value(first, "");
      if (p.nextToken() != null) {
        diag.error(
            line(p),
            "",
            "a second YAML document starts here; a config file holds exactly one document");
      }
      return root;
    } catch (StreamReadException e) {
      reportSyntaxError(e, diag);
      return null;
    } catch (IOException e) {
      // Reading from a String only fails on bad input, which arrives as StreamReadException.
      diag.error(0, "", "cannot read the YAML: " + e.getMessage());
      return null;
    }
  }

  private YamlNode value(JsonToken token, String path) throws IOException {
    int line = line(parser);
    Object anchor = parser.getObjectId();
    YamlNode node =
        switch (token) {
          case START_OBJECT -> mapping(line, path);
          case START_ARRAY -> sequence(line, path);
          case VALUE_NUMBER_INT -> new Scalar(parser.getText(), Kind.INTEGER, line);
          case VALUE_NUMBER_FLOAT -> new Scalar(parser.getText(), Kind.FLOAT, line);
          case VALUE_TRUE -> new Scalar(parser.getText(), Kind.TRUE, line);
          case VALUE_FALSE -> new Scalar(parser.getText(), Kind.FALSE, line);
          case VALUE_NULL -> new Scalar("", Kind.NULL, line);
          default -> {
            if (parser.isCurrentAlias()) {
              yield alias(parser.getText(), line, path);
            }
            yield new Scalar(parser.getText(), Kind.STRING, line);
          }
        };
    if (anchor != null && !parser.isCurrentAlias()) {
      anchors.put(anchor.toString(), node);
    }
    return node;
  }

  private YamlNode alias(String name, int line, String path) {
    YamlNode target = anchors.get(name);
    if (target == null) {
      // Also the case for an alias inside its own anchor: cycles are impossible.
      diag.error(line, path, "alias *" + name + " refers to no anchor &" + name + " above it");
      return new Scalar("", Kind.NULL, line);
    }
    return target;
  }

  private Mapping mapping(int line, String path) throws IOException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<YamlNode> merges = new ArrayList<>();
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_OBJECT && t != null) {
      String key = parser.currentName();
      int keyLine = line(parser);
      String childPath = YamlOptionReader.child(path, key);
      YamlNode value = value(parser.nextToken(), childPath);
      if (key.equals("<<")) {
        merges.add(value);
        continue;
      }
      Entry previous = entries.get(key);
      if (previous != null) {
        diag.error(keyLine, childPath, "duplicate key; first set at line " + previous.keyLine());
      } else {
        entries.put(key, new Entry(key, keyLine, value));
      }
    }
    for (YamlNode merge : merges) {
      merge(entries, merge, path);
    }
    return new Mapping(entries, line);
  }

  /** YAML merge keys: keys written in the mapping itself win, then earlier merged mappings. */
  private void merge(Map<String, Entry> into, YamlNode source, String path) {
    switch (source) {
      case Mapping m -> m.entries().forEach(into::putIfAbsent);
      case Sequence s -> {
        for (YamlNode item : s.items()) {
          merge(into, item, path);
        }
      }
      case Scalar s -> {
        if (s.kind() != Kind.NULL) {
          diag.error(
              s.line(),
              YamlOptionReader.child(path, "<<"),
              "a merge key needs a mapping or a list of mappings, got " + s.describe());
        }
      }
    }
  }

  private Sequence sequence(int line, String path) throws IOException {
    List<YamlNode> items = new ArrayList<>();
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_ARRAY && t != null) {
      items.add(value(t, YamlOptionReader.index(path, items.size())));
    }
    return new Sequence(items, line);
  }

  private static int line(YAMLParser p) {
    return Math.max(p.currentTokenLocation().getLineNr(), 0);
  }

  /**
   * Reports a syntax error at the line where the parser noticed it, in SnakeYAML's words with the
   * construct it was reading, and a nudge towards indentation when that is the usual cause.
   */
  private static void reportSyntaxError(StreamReadException e, Diagnostics diag) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException m
          && m.getProblem() != null
          && m.getProblemMark() != null) {
        int line = m.getProblemMark().getLine() + 1;
        StringBuilder msg = new StringBuilder("invalid YAML: ").append(m.getProblem());
        if (m.getContext() != null) {
          msg.append(" (").append(m.getContext());
          if (m.getContextMark() != null && m.getContextMark().getLine() + 1 != line) {
            msg.append(" that starts at line ").append(m.getContextMark().getLine() + 1);
          }
          msg.append(')');
        }
        String problem = m.getProblem();
        if (problem.contains("<block end>")
            || problem.contains("mapping values are not allowed")
            || problem.contains("could not find expected ':'")) {
          msg.append("; check the indentation");
        }
        diag.error(line, "", msg.toString());
        return;
      }
    }
    String message = e.getOriginalMessage();
    int nl = message.indexOf('\n');
    int line = e.getLocation() == null ? 0 : Math.max(e.getLocation().getLineNr(), 0);
    diag.error(line, "", "invalid YAML: " + (nl < 0 ? message : message.substring(0, nl)));
  }
}

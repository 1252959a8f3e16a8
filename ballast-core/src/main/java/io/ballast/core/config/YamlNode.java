package io.ballast.core.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the line it starts on. The loader parses the file into these instead of binding
 * it straight to records, so that every problem can be reported with its line and the whole file is
 * checked in one pass.
 */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

  /** 1-based line where the value starts. */
  int line();

  /** How the value reads in an "expected X, got Y" message. */
  String describe();

  /** What kind of scalar the YAML parser saw; plain {@code yes} is a boolean, {@code '1'} text. */
  enum Kind {
    STRING,
    INTEGER,
    FLOAT,
    TRUE,
    FALSE,
    NULL
  }

  /** A scalar, with its text exactly as written (after YAML unquoting). */
  record Scalar(String text, Kind kind, int line) implements YamlNode {
    @Override
    public String describe() {
      if (kind == Kind.NULL) {
        return "nothing";
      }
      String t = text.length() > 40 ? text.substring(0, 37) + "..." : text;
      return "'" + t + "'";
    }
  }

  /** One {@code key: value} pair of a mapping. */
  record Entry(String key, int keyLine, YamlNode value) {}

  /** A mapping, keys in file order. */
  record Mapping(Map<String, Entry> entries, int line) implements YamlNode {
    public Mapping {
      entries = Collections.unmodifiableMap(entries);
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** A list. */
  record Sequence(List<YamlNode> items, int line) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }
}

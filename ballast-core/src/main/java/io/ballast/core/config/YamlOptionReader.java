package io.ballast.core.config;

import io.ballast.core.config.YamlNode.Entry;
import io.ballast.core.config.YamlNode.Kind;
import io.ballast.core.config.YamlNode.Mapping;
import io.ballast.core.config.YamlNode.Scalar;
import io.ballast.core.config.YamlNode.Sequence;
import io.ballast.core.util.EditDistance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@link OptionReader} over one mapping of the parsed YAML tree. Every key a caller asks about
 * (whether present or not) becomes "known"; {@link #finish()} reports the rest as unknown, hinting
 * at the closest known key.
 *
 * <p>A key whose value is YAML null ({@code key:} or {@code key: ~}) counts as absent.
 */
final class YamlOptionReader implements OptionReader {
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private final Diagnostics diag;
  private final String path;
  private final int line;
  private final Map<String, Entry> entries;
  private final Set<String> known = new LinkedHashSet<>();
  private boolean finished;

  private YamlOptionReader(Diagnostics diag, String path, int line, Map<String, Entry> entries) {
    this.diag = diag;
    this.path = path;
    this.line = line;
    this.entries = entries;
  }

  /** A reader over the document's top-level mapping. */
  static YamlOptionReader root(Diagnostics diag, Mapping root) {
    return new YamlOptionReader(diag, "", root.line(), root.entries());
  }

  /** {@code parent.key}, or {@code parent["key"]} for keys that would make the path ambiguous. */
  static String child(String parent, String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return parent + "[\"" + key + "\"]";
    }
    return parent.isEmpty() ? key : parent + "." + key;
  }

  /** {@code parent[i]}. */
  static String index(String parent, int i) {
    return parent + "[" + i + "]";
  }

  // ---- OptionReader ----

  @Override
  public String path() {
    return path;
  }

  @Override
  public Set<String> keys() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  @Override
  public boolean has(String key) {
    return node(key) != null;
  }

  @Override
  public Optional<String> string(String key) {
    Scalar s = scalar(key, "a string");
    return s == null ? Optional.empty() : Optional.of(s.text());
  }

  @Override
  public String string(String key, String def) {
    return string(key).orElse(def);
  }

  @Override
  public String requiredString(String key) {
    if (!has(key)) {
      error(key, "is required");
      return "";
    }
    Optional<String> s = string(key);
    if (s.isPresent() && s.get().isBlank()) {
      error(key, "must not be empty");
    }
    return s.orElse("");
  }

  @Override
  public int integer(String key, int def, int min, int max) {
    Scalar s = scalar(key, "an integer");
    if (s == null) {
      return def;
    }
    long value;
    try {
      value = Long.parseLong(s.text().trim());
    } catch (NumberFormatException e) {
      boolean digits = s.text().trim().matches("[+-]?[0-9]+");
      error(
          key,
          digits
              ? range(s.text().trim(), Integer.toString(min), Integer.toString(max), max)
              : "expected an integer, got " + s.describe());
      return def;
    }
    if (value < min || value > max) {
      error(key, range(s.text().trim(), Integer.toString(min), Integer.toString(max), max));
      return def;
    }
    return (int) value;
  }

  @Override
  public double number(String key, double def, double min, double max) {
    Scalar s = scalar(key, "a number");
    if (s == null) {
      return def;
    }
    String text = s.text().trim();
    if (!DECIMAL.matcher(text).matches()) {
      error(key, "expected a number, got " + s.describe());
      return def;
    }
    double value = Double.parseDouble(text);
    if (value < min || value > max) {
      error(key, text + " is out of range " + decimal(min) + ".." + decimal(max));
      return def;
    }
    return value;
  }

  @Override
  public double percent(String key, double def, double min, double max) {
    Scalar s = scalar(key, "a percentage");
    if (s == null) {
      return def;
    }
    String text = s.text().trim();
    boolean isPercent = text.endsWith("%");
    String number = isPercent ? text.substring(0, text.length() - 1).trim() : text;
    if (!DECIMAL.matcher(number).matches()) {
      error(key, "expected a percentage such as 10% or 0.1, got " + s.describe());
      return def;
    }
    double value = Double.parseDouble(number) / (isPercent ? 100.0 : 1.0);
    if (value < min || value > max) {
      error(
          key,
          text
              + " is out of range "
              + decimal(min * 100)
              + "%.."
              + decimal(max * 100)
              + "%"
              + (isPercent ? "" : " (a plain number is a fraction: 0.5 is 50%)"));
      return def;
    }
    return value;
  }

  @Override
  public Duration duration(String key, Duration def) {
    Scalar s = scalar(key, "a duration such as 30s");
    if (s == null) {
      return def;
    }
    try {
      return Durations.parse(s.text());
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return def;
    }
  }

  @Override
  public long size(String key, long def, long min, long max) {
    Scalar s = scalar(key, "a size such as 16KiB");
    if (s == null) {
      return def;
    }
    long value;
    try {
      value = DataSize.parseBytes(s.text());
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return def;
    }
    if (value < min || value > max) {
      error(key, range(s.text().trim(), DataSize.format(min), DataSize.format(max), max));
      return def;
    }
    return value;
  }

  @Override
  public boolean bool(String key, boolean def) {
    Scalar s = scalar(key, "true or false");
    if (s == null) {
      return def;
    }
    return switch (s.kind()) {
      case TRUE -> true;
      case FALSE -> false;
      default -> {
        // A quoted "true" is text to YAML but plainly meant as a boolean.
        String t = s.text().trim();
        if (t.equals("true")) {
          yield true;
        }
        if (t.equals("false")) {
          yield false;
        }
        error(key, "expected true or false, got " + s.describe());
        yield def;
      }
    };
  }

  @Override
  public Optional<HostPort> address(String key) {
    Scalar s = scalar(key, "an address host:port");
    if (s == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(HostPort.parse(s.text()));
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public <E extends Enum<E>> E choice(String key, Class<E> type, E def) {
    Scalar s = scalar(key, "one of " + String.join(", ", choices(type)));
    if (s == null) {
      return def;
    }
    String text = s.text().trim();
    for (E constant : type.getEnumConstants()) {
      if (choiceName(constant).equals(text)) {
        return constant;
      }
    }
    List<String> names = choices(type);
    error(key, unknownValue("value", text, names, "expected one of"));
    return def;
  }

  @Override
  public YamlOptionReader map(String key) {
    YamlNode n = node(key);
    String childPath = child(path, key);
    if (n instanceof Mapping m) {
      return new YamlOptionReader(diag, childPath, m.line(), m.entries());
    }
    if (n != null) {
      error(key, "expected a mapping, got " + n.describe());
    }
    return new YamlOptionReader(diag, childPath, lineOf(key), Map.of());
  }

  @Override
  public List<OptionReader> list(String key) {
    return List.copyOf(mappings(key));
  }

  /** {@link #list} with the concrete type, for the loader's own binders. */
  List<YamlOptionReader> mappings(String key) {
    YamlNode n = node(key);
    if (n == null) {
      return List.of();
    }
    if (!(n instanceof Sequence seq)) {
      error(
          key,
          "expected a list, got "
              + n.describe()
              + (n instanceof Mapping ? " (start each list item with '- ')" : ""));
      return List.of();
    }
    String listPath = child(path, key);
    List<YamlOptionReader> out = new ArrayList<>();
    for (int i = 0; i < seq.items().size(); i++) {
      YamlNode item = seq.items().get(i);
      String itemPath = index(listPath, i);
      if (item instanceof Mapping m) {
        out.add(new YamlOptionReader(diag, itemPath, m.line(), m.entries()));
      } else {
        diag.error(item.line(), itemPath, "expected a mapping, got " + item.describe());
      }
    }
    return out;
  }

  @Override
  public List<String> stringList(String key) {
    YamlNode n = node(key);
    if (n == null) {
      return List.of();
    }
    if (n instanceof Scalar s) {
      return List.of(s.text());
    }
    if (!(n instanceof Sequence seq)) {
      error(key, "expected a list of strings, got " + n.describe());
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < seq.items().size(); i++) {
      YamlNode item = seq.items().get(i);
      if (item instanceof Scalar s && s.kind() != Kind.NULL) {
        out.add(s.text());
      } else {
        diag.error(
            item.line(), index(child(path, key), i), "expected a string, got " + item.describe());
      }
    }
    return out;
  }

  @Override
  public Map<String, String> stringMap(String key) {
    YamlNode n = node(key);
    if (n == null) {
      return Map.of();
    }
    if (!(n instanceof Mapping m)) {
      error(key, "expected a mapping, got " + n.describe());
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Entry e : m.entries().values()) {
      if (e.value() instanceof Scalar s && s.kind() != Kind.NULL) {
        out.put(e.key(), s.text());
      } else {
        diag.error(
            e.keyLine(),
            child(child(path, key), e.key()),
            "expected a string, got " + e.value().describe());
      }
    }
    return out;
  }

  @Override
  public void error(String key, String message) {
    known.add(key);
    diag.error(lineOf(key), child(path, key), message);
  }

  @Override
  public void error(String message) {
    diag.error(line, path, message);
  }

  @Override
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    for (Entry e : entries.values()) {
      if (known.contains(e.key())) {
        continue;
      }
      Optional<String> hint = EditDistance.closest(e.key(), known);
      String message;
      if (hint.isPresent()) {
        message = "unknown key (did you mean '" + hint.get() + "'?)";
      } else if (known.isEmpty()) {
        message = "unknown key (nothing is allowed here)";
      } else {
        message = "unknown key; known keys here: " + String.join(", ", known);
      }
      diag.error(e.keyLine(), child(path, e.key()), message);
    }
  }

  // ---- extras for the loader's binders ----

  /** Line of this mapping. */
  int line() {
    return line;
  }

  /** Line of a key's value when it is a scalar (where a bad value is), else of the key. */
  int lineOf(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return line;
    }
    return e.value() instanceof Scalar s && s.line() > 0 ? s.line() : e.keyLine();
  }

  /** Whether the key holds a mapping, for keys that accept a short scalar form or a mapping. */
  boolean isMapping(String key) {
    return node(key) instanceof Mapping;
  }

  /** Whether the key holds a list with no items ({@code key: []}). */
  boolean isEmptyList(String key) {
    return node(key) instanceof Sequence seq && seq.items().isEmpty();
  }

  /** Records a warning about {@code key}. */
  void warn(String key, String message) {
    diag.warning(lineOf(key), child(path, key), message);
  }

  /** Records a warning about this mapping as a whole. */
  void warn(String message) {
    diag.warning(line, path, message);
  }

  /** The enum constant as written in the config: {@code LEAST_CONNECTIONS} is least-connections. */
  static String choiceName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static <E extends Enum<E>> List<String> choices(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(choiceName(constant));
    }
    return names;
  }

  /**
   * {@code unknown value 'maintainance' (did you mean 'maintenance'?); expected one of: active,
   * draining, maintenance}.
   */
  static String unknownValue(String what, String text, List<String> allowed, String listLabel) {
    StringBuilder sb = new StringBuilder("unknown ").append(what).append(" '").append(text);
    sb.append('\'');
    EditDistance.closest(text, allowed)
        .ifPresent(h -> sb.append(" (did you mean '").append(h).append("'?)"));
    return sb.append("; ")
        .append(listLabel)
        .append(": ")
        .append(String.join(", ", allowed))
        .toString();
  }

  // ---- internals ----

  /** The key's value, or {@code null} when absent or YAML null; marks the key known. */
  private YamlNode node(String key) {
    known.add(key);
    Entry e = entries.get(key);
    if (e == null || (e.value() instanceof Scalar s && s.kind() == Kind.NULL)) {
      return null;
    }
    return e.value();
  }

  /** The key's scalar value; records "expected X" and returns null for a mapping or list. */
  private Scalar scalar(String key, String expected) {
    YamlNode n = node(key);
    if (n == null) {
      return null;
    }
    if (n instanceof Scalar s) {
      return s;
    }
    error(key, "expected " + expected + ", got " + n.describe());
    return null;
  }

  private static String range(String value, String min, String max, long maxValue) {
    if (maxValue == Integer.MAX_VALUE || maxValue == Long.MAX_VALUE) {
      return "must be at least " + min + ", got " + value;
    }
    return value + " is out of range " + min + ".." + max;
  }

  private static String decimal(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}

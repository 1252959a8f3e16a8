package io.ballast.core.balance;

import io.ballast.core.config.DataSize;
import io.ballast.core.config.Durations;
import io.ballast.core.config.HostPort;
import io.ballast.core.config.OptionReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A minimal in-memory {@link OptionReader} over string values, for algorithm option tests. */
public final class MapOptionReader implements OptionReader {
  private final Map<String, String> values;
  private final Set<String> read = new HashSet<>();
  private final List<String> errors = new ArrayList<>();

  private MapOptionReader(Map<String, String> values) {
    this.values = values;
  }

  /** A reader over {@code key, value, key, value, ...}. */
  public static MapOptionReader of(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new MapOptionReader(m);
  }

  /** Errors recorded so far, as {@code key: message}. */
  public List<String> errors() {
    return errors;
  }

  @Override
  public String path() {
    return "algorithm-options";
  }

  @Override
  public Set<String> keys() {
    return values.keySet();
  }

  @Override
  public boolean has(String key) {
    read.add(key);
    return values.containsKey(key);
  }

  @Override
  public Optional<String> string(String key) {
    read.add(key);
    return Optional.ofNullable(values.get(key));
  }

  @Override
  public String string(String key, String def) {
    return string(key).orElse(def);
  }

  @Override
  public String requiredString(String key) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      error(key, "is required");
    }
    return v.orElse("");
  }

  @Override
  public int integer(String key, int def, int min, int max) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return def;
    }
    try {
      int x = Integer.parseInt(v.get().trim());
      if (x < min || x > max) {
        error(key, "must be within " + min + ".." + max);
        return def;
      }
      return x;
    } catch (NumberFormatException e) {
      error(key, "not an integer");
      return def;
    }
  }

  @Override
  public double number(String key, double def, double min, double max) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return def;
    }
    try {
      double x = Double.parseDouble(v.get().trim());
      if (x < min || x > max) {
        error(key, "must be within " + min + ".." + max);
        return def;
      }
      return x;
    } catch (NumberFormatException e) {
      error(key, "not a number");
      return def;
    }
  }

  @Override
  public double percent(String key, double def, double min, double max) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return def;
    }
    String s = v.get().trim();
    try {
      double x =
          s.endsWith("%")
              ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100
              : Double.parseDouble(s);
      if (x < min || x > max) {
        error(key, "must be within " + min + ".." + max);
        return def;
      }
      return x;
    } catch (NumberFormatException e) {
      error(key, "not a percentage");
      return def;
    }
  }

  @Override
  public Duration duration(String key, Duration def) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return def;
    }
    try {
      return Durations.parse(v.get());
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return def;
    }
  }

  @Override
  public long size(String key, long def, long min, long max) {
    Optional<String> v = string(key);
    return v.isEmpty() ? def : DataSize.parseBytes(v.get());
  }

  @Override
  public boolean bool(String key, boolean def) {
    return string(key).map(Boolean::parseBoolean).orElse(def);
  }

  @Override
  public Optional<HostPort> address(String key) {
    return string(key).map(HostPort::parse);
  }

  @Override
  public <E extends Enum<E>> E choice(String key, Class<E> type, E def) {
    return string(key)
        .map(s -> Enum.valueOf(type, s.toUpperCase(Locale.ROOT).replace('-', '_')))
        .orElse(def);
  }

  @Override
  public OptionReader map(String key) {
    read.add(key);
    return of();
  }

  @Override
  public List<OptionReader> list(String key) {
    read.add(key);
    return List.of();
  }

  @Override
  public List<String> stringList(String key) {
    return string(key).map(List::of).orElse(List.of());
  }

  @Override
  public Map<String, String> stringMap(String key) {
    read.add(key);
    return Map.of();
  }

  @Override
  public void error(String key, String message) {
    errors.add(key + ": " + message);
  }

  @Override
  public void error(String message) {
    errors.add(message);
  }

  @Override
  public void finish() {
    for (String k : values.keySet()) {
      if (!read.contains(k)) {
        errors.add(k + ": unknown option");
      }
    }
  }
}

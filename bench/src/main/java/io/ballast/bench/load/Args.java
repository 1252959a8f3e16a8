package io.ballast.bench.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A small command-line parser shared by the harness tools: {@code --name value} pairs (a name may
 * repeat), and {@code --flag} switches declared up front. Durations are written {@code 250ms},
 * {@code 20s}, {@code 2m} or {@code 500us}; a plain number means seconds.
 */
public final class Args {
  private final Map<String, List<String>> values = new HashMap<>();
  private final Set<String> flagsSeen;

  private Args(Map<String, List<String>> values, Set<String> flagsSeen) {
    this.values.putAll(values);
    this.flagsSeen = flagsSeen;
  }

  /**
   * Parses {@code argv}; names in {@code flags} take no value.
   *
   * @throws IllegalArgumentException on a value-less option or a stray word
   */
  public static Args parse(String[] argv, Set<String> flags) {
    Map<String, List<String>> values = new HashMap<>();
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name) && value == null) {
        seen.add(name);
        continue;
      }
      if (value == null) {
        if (i + 1 >= argv.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = argv[++i];
      }
      values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return new Args(values, seen);
  }

  /** Whether the switch {@code name} was given. */
  public boolean flag(String name) {
    return flagsSeen.contains(name);
  }

  /** The last value of {@code name}, or {@code def}. */
  public String str(String name, String def) {
    List<String> v = values.get(name);
    return v == null ? def : v.get(v.size() - 1);
  }

  /** Every value of a repeatable option, in order (commas also separate values). */
  public List<String> all(String name) {
    List<String> out = new ArrayList<>();
    for (String v : values.getOrDefault(name, List.of())) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  /** An integer option. */
  public int integer(String name, int def) {
    String v = str(name, null);
    return v == null ? def : Integer.parseInt(v.trim());
  }

  /** A long option. */
  public long longValue(String name, long def) {
    String v = str(name, null);
    return v == null ? def : Long.parseLong(v.trim());
  }

  /** A decimal option. */
  public double decimal(String name, double def) {
    String v = str(name, null);
    return v == null ? def : Double.parseDouble(v.trim());
  }

  /** A duration option in nanoseconds. */
  public long nanos(String name, String def) {
    String v = str(name, def);
    return v == null ? -1 : parseNanos(v);
  }

  /** Parses {@code 500us}, {@code 250ms}, {@code 20s}, {@code 2m}, or plain seconds. */
  public static long parseNanos(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    double factor;
    if (s.endsWith("us")) {
      factor = 1e3;
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("ms")) {
      factor = 1e6;
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("s")) {
      factor = 1e9;
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("m")) {
      factor = 60e9;
      s = s.substring(0, s.length() - 1);
    } else {
      factor = 1e9;
    }
    return Math.round(Double.parseDouble(s) * factor);
  }

  /** Reports a usage error and exits with status 2. */
  public static void die(String usage, String message) {
    System.err.println("error: " + message);
    System.err.println(usage);
    System.exit(2);
  }
}

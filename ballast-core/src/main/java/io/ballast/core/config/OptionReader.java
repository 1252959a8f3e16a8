package io.ballast.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A view of one YAML mapping in the config that reads typed values and reports problems with the
 * file, line and field path ({@code ballast.yaml:14 pools[0].timeouts.connect: ...}).
 *
 * <p>Readers never throw on bad input: they record an error, return the default so reading can go
 * on, and the loader reports every error at once. Keys that were never read are reported as unknown
 * by {@link #finish()}, with a "did you mean" hint. Plug-ins (balancing algorithms, health
 * checkers) read their own options through this interface, so their errors look the same as the
 * core's.
 */
public interface OptionReader {

  /** The field path of this mapping, such as {@code pools[0].algorithm-options}. */
  String path();

  /** The keys present in this mapping, in file order. */
  Set<String> keys();

  /** Whether the key is present (reading it marks it known). */
  boolean has(String key);

  /** A string value, or empty when absent. */
  Optional<String> string(String key);

  /** A string value, or {@code def} when absent. */
  String string(String key, String def);

  /** A string that must be present; records "is required" otherwise and returns "". */
  String requiredString(String key);

  /** An integer within {@code min..max}. */
  int integer(String key, int def, int min, int max);

  /** A floating-point number within {@code min..max}. */
  double number(String key, double def, double min, double max);

  /** A percentage written {@code 125%} or {@code 1.25}, returned as a fraction (1.25). */
  double percent(String key, double def, double min, double max);

  /** A duration such as {@code 250ms}, {@code 30s} (see {@link Durations}). */
  Duration duration(String key, Duration def);

  /** A size in bytes such as {@code 16KiB} (see {@link DataSize}). */
  long size(String key, long def, long min, long max);

  /** A boolean ({@code true}/{@code false}). */
  boolean bool(String key, boolean def);

  /** A {@code host:port} address (see {@link HostPort#parse}). */
  Optional<HostPort> address(String key);

  /**
   * One of the enum's constants, written in lower case with dashes ({@code LEAST_CONNECTIONS} is
   * {@code least-connections}).
   */
  <E extends Enum<E>> E choice(String key, Class<E> type, E def);

  /** A nested mapping; an empty reader when absent. */
  OptionReader map(String key);

  /** A list of mappings; empty when absent. */
  List<OptionReader> list(String key);

  /** A list of strings; empty when absent. A single scalar is accepted as a one-element list. */
  List<String> stringList(String key);

  /** A mapping of strings to strings; empty when absent. */
  Map<String, String> stringMap(String key);

  /** Records an error about {@code key} (at its line, or at this mapping's line if absent). */
  void error(String key, String message);

  /** Records an error about this mapping as a whole. */
  void error(String message);

  /**
   * Reports every key that was not read as unknown, with the closest known key as a hint. Call once
   * after reading all known keys.
   */
  void finish();
}

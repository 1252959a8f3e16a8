package io.ballast.core.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations written as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1m30s}, {@code
 * 100us}; {@code 0} means zero (typically "off").
 */
public final class Durations {
  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException with a message naming the accepted forms
   */
  public static Duration parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration (examples: 250ms, 30s, 5m)");
    }
    Duration total = Duration.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw bad(text);
      }
      String number = s.substring(start, i);
      int unitStart = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(unitStart, i);
      double value;
      try {
        value = Double.parseDouble(number);
      } catch (NumberFormatException e) {
        throw bad(text);
      }
      long nanosPerUnit =
          switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            case "" ->
                throw new IllegalArgumentException(
                    "'" + text + "' needs a unit (examples: 250ms, 30s, 5m, 1h)");
            default ->
                throw new IllegalArgumentException(
                    "'" + text + "' has an unknown unit '" + unit + "' (use ms, s, m, h, d)");
          };
      total = total.plusNanos(Math.round(value * nanosPerUnit));
    }
    return total;
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not a duration (examples: 250ms, 30s, 5m, 1m30s)");
  }

  /** Formats a duration the way the config accepts it. */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0";
    }
    if (nanos % 3_600_000_000_000L == 0) {
      return nanos / 3_600_000_000_000L + "h";
    }
    if (nanos % 60_000_000_000L == 0) {
      return nanos / 60_000_000_000L + "m";
    }
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }
}

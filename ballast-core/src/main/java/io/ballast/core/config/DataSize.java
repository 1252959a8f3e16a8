package io.ballast.core.config;

import java.util.Locale;

/**
 * Byte sizes written as {@code 512}, {@code 16KiB}, {@code 1MiB}, {@code 1GiB}, {@code 10KB}
 * (decimal units are 1000-based, binary ones 1024-based, as IEC 80000-13 says).
 */
public final class DataSize {
  private DataSize() {}

  /**
   * Parses a size into bytes.
   *
   * @throws IllegalArgumentException with a message naming the accepted forms
   */
  public static long parseBytes(String text) {
    String s = text.trim();
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size (examples: 512, 16KiB, 4MiB, 1GiB)");
    }
    long number;
    try {
      number = Long.parseLong(s.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large", e);
    }
    String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
    long multiplier =
        switch (unit) {
          case "", "b" -> 1L;
          case "kb" -> 1000L;
          case "kib", "k" -> 1024L;
          case "mb" -> 1000L * 1000;
          case "mib", "m" -> 1024L * 1024;
          case "gb" -> 1000L * 1000 * 1000;
          case "gib", "g" -> 1024L * 1024 * 1024;
          case "tib" -> 1024L * 1024 * 1024 * 1024;
          default ->
              throw new IllegalArgumentException(
                  "'"
                      + text
                      + "' has an unknown unit '"
                      + s.substring(i).trim()
                      + "' (use B, KiB, MiB, GiB, KB, MB, GB)");
        };
    if (number > Long.MAX_VALUE / multiplier) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return number * multiplier;
  }

  /** Formats bytes the way the config accepts them, for messages and the admin API. */
  public static String format(long bytes) {
    if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "GiB";
    }
    if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return Long.toString(bytes);
  }
}

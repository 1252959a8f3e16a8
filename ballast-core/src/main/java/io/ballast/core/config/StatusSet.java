package io.ballast.core.config;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable set of HTTP status codes (100..599), written in the config as single statuses and
 * ranges: {@code 200-399}, {@code 200,204,300-399} or a list {@code [500-599, 429]}.
 *
 * <p>{@link #contains} is a bit test with no allocation, so the data plane may call it for every
 * response.
 */
public final class StatusSet {
  /** The smallest status a set can hold. */
  public static final int MIN = 100;

  /** The largest status a set can hold. */
  public static final int MAX = 599;

  private static final int WORDS = (MAX - MIN + 64) / 64;

  /** No status at all. */
  public static final StatusSet EMPTY = new StatusSet(new long[WORDS]);

  private final long[] bits;

  private StatusSet(long[] bits) {
    this.bits = bits;
  }

  /** The statuses {@code from..to}, both included. */
  public static StatusSet range(int from, int to) {
    checkStatus(from);
    checkStatus(to);
    long[] bits = new long[WORDS];
    for (int s = from; s <= to; s++) {
      set(bits, s);
    }
    return new StatusSet(bits);
  }

  /** Exactly these statuses. */
  public static StatusSet of(int... statuses) {
    long[] bits = new long[WORDS];
    for (int s : statuses) {
      checkStatus(s);
      set(bits, s);
    }
    return new StatusSet(bits);
  }

  /**
   * Parses statuses and ranges separated by commas: {@code 200-399}, {@code 200,204,300-399}.
   *
   * @throws IllegalArgumentException naming the offending part
   */
  public static StatusSet parse(String text) {
    return parse(List.of(text));
  }

  /**
   * Parses a list whose items are statuses, ranges, or comma-separated lists of them.
   *
   * @throws IllegalArgumentException naming the offending part
   */
  public static StatusSet parse(List<String> items) {
    long[] bits = new long[WORDS];
    for (String item : items) {
      for (String part : item.split(",", -1)) {
        String p = part.trim();
        if (p.isEmpty()) {
          throw new IllegalArgumentException(
              "'" + item.trim() + "' has an empty entry (write statuses such as 200,204,300-399)");
        }
        int dash = p.indexOf('-', 1);
        int from = status(p, dash < 0 ? p : p.substring(0, dash));
        int to = dash < 0 ? from : status(p, p.substring(dash + 1));
        if (to < from) {
          throw new IllegalArgumentException("'" + p + "' is an empty range (write it low-high)");
        }
        for (int s = from; s <= to; s++) {
          set(bits, s);
        }
      }
    }
    return new StatusSet(bits);
  }

  /** Whether {@code status} is in the set; false for anything outside 100..599. */
  public boolean contains(int status) {
    if (status < MIN || status > MAX) {
      return false;
    }
    int i = status - MIN;
    return (bits[i >>> 6] & (1L << (i & 63))) != 0;
  }

  /** Whether the set holds no status. */
  public boolean isEmpty() {
    for (long w : bits) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }

  /** The statuses in either set. */
  public StatusSet union(StatusSet other) {
    long[] out = bits.clone();
    for (int i = 0; i < WORDS; i++) {
      out[i] |= other.bits[i];
    }
    return new StatusSet(out);
  }

  /** The set as the config writes it, such as {@code 200,204,300-399}; empty for no status. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    int s = MIN;
    while (s <= MAX) {
      if (!contains(s)) {
        s++;
        continue;
      }
      int end = s;
      while (end + 1 <= MAX && contains(end + 1)) {
        end++;
      }
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(s);
      if (end > s) {
        sb.append('-').append(end);
      }
      s = end + 1;
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StatusSet other && Arrays.equals(bits, other.bits);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bits);
  }

  private static int status(String whole, String digits) {
    String d = digits.trim();
    if (d.isEmpty() || !d.chars().allMatch(c -> c >= '0' && c <= '9') || d.length() > 9) {
      throw new IllegalArgumentException(
          "'" + whole + "' is not a status or range (such as 503 or 500-599)");
    }
    int s = Integer.parseInt(d);
    if (s < MIN || s > MAX) {
      throw new IllegalArgumentException("'" + d + "' is not an HTTP status (100..599)");
    }
    return s;
  }

  private static void checkStatus(int s) {
    if (s < MIN || s > MAX) {
      throw new IllegalArgumentException(s + " is not an HTTP status (100..599)");
    }
  }

  private static void set(long[] bits, int status) {
    int i = status - MIN;
    bits[i >>> 6] |= 1L << (i & 63);
  }
}

package io.ballast.core.balance.loadreport;

/**
 * Reads ORCA's {@code endpoint-load-metrics} header in its text form, {@code TEXT
 * cpu_utilization=0.7, rps_fractional=120, application_utilization=0.5, eps=2}, and turns it into a
 * weight the way gRPC's {@code weighted_round_robin} does: {@code qps / (utilization + penalty ×
 * eps / qps)}, where utilization is {@code application_utilization} when positive and {@code
 * cpu_utilization} otherwise.
 *
 * <p>Runs on the event loop for every response, so it scans the characters once, with no regex, no
 * substring and no boxing. Unknown keys ({@code mem_utilization}, {@code named_metrics.*}) are
 * skipped.
 */
final class OrcaText {
  private OrcaText() {}

  /**
   * The weight the report implies, or 0 when the header is absent, malformed, or reports no traffic
   * or no utilization (gRPC ignores such reports too).
   */
  static double weight(CharSequence header, double errorUtilizationPenalty) {
    if (header == null) {
      return 0;
    }
    int n = header.length();
    int i = skipSpaces(header, 0, n);
    if (regionMatches(header, i, n, "TEXT")) {
      i += 4;
    }
    double cpu = 0;
    double app = 0;
    double qps = 0;
    double eps = 0;
    while (i < n) {
      i = skipSpaces(header, i, n);
      int keyStart = i;
      while (i < n && header.charAt(i) != '=' && header.charAt(i) != ',') {
        i++;
      }
      int keyEnd = trimEnd(header, keyStart, i);
      if (i >= n || header.charAt(i) != '=') {
        i++;
        continue;
      }
      i++;
      int valueStart = skipSpaces(header, i, n);
      while (i < n && header.charAt(i) != ',') {
        i++;
      }
      int valueEnd = trimEnd(header, valueStart, i);
      i++;
      double v = number(header, valueStart, valueEnd);
      if (Double.isNaN(v)) {
        continue;
      }
      if (is(header, keyStart, keyEnd, "cpu_utilization")) {
        cpu = v;
      } else if (is(header, keyStart, keyEnd, "application_utilization")) {
        app = v;
      } else if (is(header, keyStart, keyEnd, "rps_fractional")) {
        qps = v;
      } else if (is(header, keyStart, keyEnd, "eps")) {
        eps = v;
      }
    }
    double utilization = app > 0 ? app : cpu;
    if (!(qps > 0) || !(utilization > 0)) {
      return 0;
    }
    double penalty =
        eps > 0 && errorUtilizationPenalty > 0 ? eps / qps * errorUtilizationPenalty : 0;
    double w = qps / (utilization + penalty);
    return Double.isFinite(w) ? w : 0;
  }

  private static int skipSpaces(CharSequence s, int i, int n) {
    while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static int trimEnd(CharSequence s, int start, int end) {
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return end;
  }

  private static boolean regionMatches(CharSequence s, int at, int n, String word) {
    if (at + word.length() > n) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (Character.toUpperCase(s.charAt(at + k)) != word.charAt(k)) {
        return false;
      }
    }
    return at + word.length() == n || s.charAt(at + word.length()) == ' ';
  }

  private static boolean is(CharSequence s, int start, int end, String key) {
    if (end - start != key.length()) {
      return false;
    }
    for (int k = 0; k < key.length(); k++) {
      if (s.charAt(start + k) != key.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** A decimal number such as {@code 120}, {@code 0.7}, {@code 1e3}; NaN when malformed. */
  static double number(CharSequence s, int start, int end) {
    int i = start;
    if (i >= end) {
      return Double.NaN;
    }
    boolean negative = false;
    if (s.charAt(i) == '-' || s.charAt(i) == '+') {
      negative = s.charAt(i) == '-';
      i++;
    }
    double value = 0;
    int digits = 0;
    while (i < end && isDigit(s.charAt(i))) {
      value = value * 10 + (s.charAt(i) - '0');
      i++;
      digits++;
    }
    if (i < end && s.charAt(i) == '.') {
      i++;
      double scale = 0.1;
      while (i < end && isDigit(s.charAt(i))) {
        value += (s.charAt(i) - '0') * scale;
        scale /= 10;
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    if (i < end && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      boolean negExp = false;
      if (i < end && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        negExp = s.charAt(i) == '-';
        i++;
      }
      int exp = 0;
      int expDigits = 0;
      while (i < end && isDigit(s.charAt(i)) && exp < 400) {
        exp = exp * 10 + (s.charAt(i) - '0');
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        return Double.NaN;
      }
      value *= Math.pow(10, negExp ? -exp : exp);
    }
    if (i != end) {
      return Double.NaN;
    }
    return negative ? -value : value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}

package io.ballast.core.health;

/** Formats fractions as the percentages reasons and logs show: {@code 62%}, {@code 84.3%}. */
final class Percent {
  private Percent() {}

  /** {@code 0.625} is {@code 62.5%}; {@code 0.62} is {@code 62%}; one decimal at most. */
  static String format(double fraction) {
    long tenths = Math.round(fraction * 1000);
    String sign = tenths < 0 ? "-" : "";
    long abs = Math.abs(tenths);
    if (abs % 10 == 0) {
      return sign + abs / 10 + "%";
    }
    return sign + abs / 10 + "." + abs % 10 + "%";
  }
}

package io.ballast.core.health;

import io.ballast.core.config.BackendConfig;
import io.ballast.core.model.AdminState;
import java.util.Locale;

/**
 * One answer of an HAProxy-style agent ({@code agent-check}): a line of words separated by spaces,
 * tabs or commas, in any order, optionally followed by a {@code #comment}:
 *
 * <ul>
 *   <li>{@code up} — healthy; {@code down}, {@code fail}, {@code stopped} — unhealthy;
 *   <li>{@code ready} — admin state active (cancels drain and maintenance); {@code drain} —
 *       draining; {@code maint} — maintenance;
 *   <li>{@code 75%} — weight as a share of the configured weight (0%..1000%); {@code weight:N} — an
 *       absolute weight (0..10000);
 *   <li>{@code maxconn:N} — a connection limit (HAProxy's), for the data plane to apply.
 * </ul>
 *
 * <p>What the agent does not mention stays as it is. Words are case-insensitive and extra
 * whitespace is ignored; only the first line counts (up to {@code \n}, {@code \r\n} or a NUL).
 * Anything else — an unknown word, two contradicting states, an empty answer — makes the report
 * invalid ({@link #valid()} false) with the reason in {@link #error()}, and a prober treats it as a
 * failed check. Immutable.
 *
 * @param health the health the agent reported, or {@code null} if it reported none
 * @param healthWord the word it used for it ({@code up}, {@code down}, {@code fail}, {@code
 *     stopped}; HAProxy shows it so operators can tell an expected stop from a failure), or {@code
 *     null}
 * @param adminState the admin state it asked for ({@code ready} is {@code ACTIVE}), or {@code null}
 * @param weightPercent the weight as a percentage of the configured one, or -1
 * @param weight an absolute weight, or -1
 * @param maxConnections a connection limit, or -1
 * @param comment the text after {@code #}, trimmed, or {@code null}
 * @param error why the answer is invalid, or {@code null} when it is valid
 */
public record AgentReport(
    HealthStatus health,
    String healthWord,
    AdminState adminState,
    int weightPercent,
    int weight,
    int maxConnections,
    String comment,
    String error) {

  /** The largest accepted percentage. */
  public static final int MAX_PERCENT = 1000;

  /** Parses an agent's answer (the bytes it sent, decoded as ISO-8859-1). Never throws. */
  public static AgentReport parse(CharSequence reply) {
    String line = firstLine(reply);
    String comment = null;
    int hash = line.indexOf('#');
    if (hash >= 0) {
      comment = line.substring(hash + 1).trim();
      line = line.substring(0, hash);
    }
    Parser p = new Parser();
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == ',' || c == '\r') {
        i++;
        continue;
      }
      int start = i;
      while (i < n && " \t,\r".indexOf(line.charAt(i)) < 0) {
        i++;
      }
      String error = p.word(line.substring(start, i));
      if (error != null) {
        return invalid(error + " in '" + CheckResult.quote(reply) + "'", comment);
      }
    }
    if (!p.any) {
      return invalid("empty answer", comment);
    }
    return new AgentReport(
        p.health,
        p.healthWord,
        p.admin,
        p.percent,
        p.weight,
        p.maxConnections,
        comment == null || comment.isEmpty() ? null : comment,
        null);
  }

  private static AgentReport invalid(String error, String comment) {
    return new AgentReport(null, null, null, -1, -1, -1, comment, error);
  }

  private static String firstLine(CharSequence reply) {
    int end = 0;
    while (end < reply.length() && reply.charAt(end) != '\n' && reply.charAt(end) != '\0') {
      end++;
    }
    return reply.subSequence(0, end).toString();
  }

  /** Whether the answer made sense. */
  public boolean valid() {
    return error == null;
  }

  /**
   * Whether the answer counts as a passed check when the agent is the health check: valid and not
   * {@code down}, {@code fail} or {@code stopped}.
   */
  public boolean passed() {
    return valid() && health != HealthStatus.DOWN;
  }

  /**
   * The weight the backend should have now: the absolute weight if the agent gave one, else the
   * percentage of {@code configuredWeight}, else {@code configuredWeight}; capped at {@link
   * BackendConfig#MAX_WEIGHT}.
   */
  public int effectiveWeight(int configuredWeight) {
    if (weight >= 0) {
      return weight;
    }
    if (weightPercent >= 0) {
      long w = Math.round(configuredWeight * (weightPercent / 100.0));
      return (int) Math.min(w, BackendConfig.MAX_WEIGHT);
    }
    return configuredWeight;
  }

  /**
   * The answer in normal form for reasons and logs: {@code up 75%}, {@code drain}, {@code down
   * (disk full)}.
   */
  public String describe() {
    if (!valid()) {
      return error;
    }
    StringBuilder sb = new StringBuilder();
    if (healthWord != null) {
      sb.append(healthWord);
    }
    if (adminState != null) {
      word(
          sb,
          switch (adminState) {
            case ACTIVE -> "ready";
            case DRAINING -> "drain";
            case MAINTENANCE -> "maint";
          });
    }
    if (weightPercent >= 0) {
      word(sb, weightPercent + "%");
    }
    if (weight >= 0) {
      word(sb, "weight:" + weight);
    }
    if (maxConnections >= 0) {
      word(sb, "maxconn:" + maxConnections);
    }
    if (comment != null) {
      sb.append(sb.isEmpty() ? "" : " ").append('(').append(comment).append(')');
    }
    return sb.toString();
  }

  private static void word(StringBuilder sb, String w) {
    if (!sb.isEmpty()) {
      sb.append(' ');
    }
    sb.append(w);
  }

  /** Accumulates words; each returns an error or null. */
  private static final class Parser {
    HealthStatus health;
    String healthWord;
    AdminState admin;
    String adminWord;
    int percent = -1;
    int weight = -1;
    int maxConnections = -1;
    boolean any;

    String word(String raw) {
      any = true;
      String w = raw.toLowerCase(Locale.ROOT);
      switch (w) {
        case "up" -> {
          return health(HealthStatus.UP, w);
        }
        case "down", "fail", "stopped" -> {
          return health(HealthStatus.DOWN, w);
        }
        case "ready" -> {
          return admin(AdminState.ACTIVE, w);
        }
        case "drain" -> {
          return admin(AdminState.DRAINING, w);
        }
        case "maint" -> {
          return admin(AdminState.MAINTENANCE, w);
        }
        default -> {}
      }
      if (w.endsWith("%")) {
        int v = number(w.substring(0, w.length() - 1), MAX_PERCENT);
        if (v < 0) {
          return "'" + quote(raw) + "' is not a weight percentage (0%.." + MAX_PERCENT + "%)";
        }
        if (weight >= 0 || (percent >= 0 && percent != v)) {
          return "two weights";
        }
        percent = v;
        return null;
      }
      if (w.startsWith("weight:")) {
        int v = number(w.substring("weight:".length()), BackendConfig.MAX_WEIGHT);
        if (v < 0) {
          return "'"
              + quote(raw)
              + "' is not a weight (weight:0..weight:"
              + BackendConfig.MAX_WEIGHT
              + ")";
        }
        if (percent >= 0 || (weight >= 0 && weight != v)) {
          return "two weights";
        }
        weight = v;
        return null;
      }
      if (w.startsWith("maxconn:")) {
        int v = number(w.substring("maxconn:".length()), Integer.MAX_VALUE);
        if (v < 0) {
          return "'" + quote(raw) + "' is not a connection limit (such as maxconn:100)";
        }
        maxConnections = v;
        return null;
      }
      return "unknown word '" + quote(raw) + "'";
    }

    private String health(HealthStatus h, String w) {
      if (health != null && health != h) {
        return "contradicting states '" + healthWord + "' and '" + w + "'";
      }
      health = h;
      healthWord = w;
      return null;
    }

    private String admin(AdminState a, String w) {
      if (admin != null && admin != a) {
        return "contradicting states '" + adminWord + "' and '" + w + "'";
      }
      admin = a;
      adminWord = w;
      return null;
    }

    /** A decimal integer 0..max, or -1. */
    private static int number(String digits, int max) {
      if (digits.isEmpty() || digits.length() > 10) {
        return -1;
      }
      long v = 0;
      for (int i = 0; i < digits.length(); i++) {
        char c = digits.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return v > max ? -1 : (int) v;
    }

    private static String quote(String raw) {
      return CheckResult.quote(raw);
    }
  }
}

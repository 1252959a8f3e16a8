package io.ballast.core.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a {@code tcp-expect} check's reply must contain ({@code expect:}): a substring such as
 * {@code +PONG}, or {@code regex:PATTERN}, which must match somewhere in the reply (Java regular
 * expression syntax). Immutable and thread-safe.
 *
 * <p>Replies are bytes: the checker decodes what it read as ISO-8859-1 (one character per byte)
 * before calling {@link #matches}, so binary replies never fail to decode. ASCII patterns, the
 * normal case, match as written.
 */
public final class ReplyMatcher {
  private static final String REGEX_PREFIX = "regex:";

  private final String written;
  private final String substring;
  private final Pattern regex;

  private ReplyMatcher(String written, String substring, Pattern regex) {
    this.written = written;
    this.substring = substring;
    this.regex = regex;
  }

  /**
   * Parses {@code text}, a substring or {@code regex:PATTERN}.
   *
   * @throws IllegalArgumentException when empty or when the pattern does not compile
   */
  public static ReplyMatcher parse(String text) {
    if (text.startsWith(REGEX_PREFIX)) {
      String p = text.substring(REGEX_PREFIX.length());
      if (p.isEmpty()) {
        throw new IllegalArgumentException("'" + text + "' has an empty regular expression");
      }
      try {
        return new ReplyMatcher(text, null, Pattern.compile(p));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a valid regular expression: " + e.getDescription(), e);
      }
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return new ReplyMatcher(text, text, null);
  }

  /** Whether the reply read so far satisfies the expectation. */
  public boolean matches(CharSequence reply) {
    if (regex != null) {
      return regex.matcher(reply).find();
    }
    return reply.toString().contains(substring);
  }

  /** Whether this is a {@code regex:} expectation. */
  public boolean isRegex() {
    return regex != null;
  }

  /** As written in the config, {@code regex:} prefix included. */
  @Override
  public String toString() {
    return written;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplyMatcher other && written.equals(other.written);
  }

  @Override
  public int hashCode() {
    return written.hashCode();
  }
}

package io.ballast.core.balance;

import java.util.Locale;

/**
 * What a hash-based algorithm (or hash-based persistence) hashes: {@code source-ip}, {@code
 * header:NAME}, {@code cookie:NAME}, {@code uri} or {@code query:NAME} ({@code hash-on:} on a
 * pool).
 *
 * @param source which part of the request
 * @param name the header, cookie or query parameter name; {@code null} for {@code source-ip} and
 *     {@code uri}
 */
public record HashOn(Source source, String name) {

  /** The parts of a request a hash can be taken over. */
  public enum Source {
    SOURCE_IP,
    HEADER,
    COOKIE,
    URI,
    QUERY
  }

  /** Hash on the client address: works for HTTP and TCP listeners alike. */
  public static final HashOn SOURCE_IP = new HashOn(Source.SOURCE_IP, null);

  /**
   * Parses {@code source-ip | header:NAME | cookie:NAME | uri | query:NAME}.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static HashOn parse(String text) {
    String s = text.trim();
    int colon = s.indexOf(':');
    String kind = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
    String name = colon < 0 ? null : s.substring(colon + 1).trim();
    switch (kind) {
      case "source-ip":
        if (name != null) {
          break;
        }
        return SOURCE_IP;
      case "uri":
        if (name != null) {
          break;
        }
        return new HashOn(Source.URI, null);
      case "header", "cookie", "query":
        if (name == null || name.isEmpty()) {
          throw new IllegalArgumentException(
              "'"
                  + text
                  + "' needs a name after '"
                  + kind
                  + ":' (for example "
                  + kind
                  + ":X-User)");
        }
        return new HashOn(Source.valueOf(kind.toUpperCase(Locale.ROOT)), name);
      default:
        break;
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not a hash key (use source-ip, header:NAME, cookie:NAME, uri or query:NAME)");
  }

  @Override
  public String toString() {
    return name == null
        ? source.name().toLowerCase(Locale.ROOT).replace('_', '-')
        : source.name().toLowerCase(Locale.ROOT) + ":" + name;
  }
}

package io.ballast.proxy.http.codec;

/**
 * Request methods the proxy distinguishes. Anything else that is a valid token is {@link #OTHER}
 * and forwarded unchanged.
 */
public enum Method {
  GET(true),
  HEAD(true),
  POST(false),
  PUT(true),
  DELETE(true),
  OPTIONS(true),
  TRACE(true),
  PATCH(false),
  CONNECT(false),
  OTHER(false);

  private final boolean idempotent;
  private final io.netty.util.AsciiString token;

  Method(boolean idempotent) {
    this.idempotent = idempotent;
    this.token = name().equals("OTHER") ? null : io.netty.util.AsciiString.cached(name());
  }

  /** The method's token, shared (no allocation per request); {@code null} for {@link #OTHER}. */
  io.netty.util.AsciiString token() {
    return token;
  }

  /** Idempotent per RFC 9110 §9.2.2, so safe to retry on another backend. */
  public boolean idempotent() {
    return idempotent;
  }

  /** Recognizes a method from the raw request line without allocating. */
  static Method of(byte[] b, int start, int end) {
    int len = end - start;
    switch (len) {
      case 3:
        if (b[start] == 'G' && b[start + 1] == 'E' && b[start + 2] == 'T') {
          return GET;
        }
        if (b[start] == 'P' && b[start + 1] == 'U' && b[start + 2] == 'T') {
          return PUT;
        }
        return OTHER;
      case 4:
        if (b[start] == 'P' && b[start + 1] == 'O' && b[start + 2] == 'S' && b[start + 3] == 'T') {
          return POST;
        }
        if (b[start] == 'H' && b[start + 1] == 'E' && b[start + 2] == 'A' && b[start + 3] == 'D') {
          return HEAD;
        }
        return OTHER;
      case 5:
        if (matches(b, start, "PATCH")) {
          return PATCH;
        }
        if (matches(b, start, "TRACE")) {
          return TRACE;
        }
        return OTHER;
      case 6:
        return matches(b, start, "DELETE") ? DELETE : OTHER;
      case 7:
        if (matches(b, start, "OPTIONS")) {
          return OPTIONS;
        }
        return matches(b, start, "CONNECT") ? CONNECT : OTHER;
      default:
        return OTHER;
    }
  }

  private static boolean matches(byte[] b, int start, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (b[start + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}

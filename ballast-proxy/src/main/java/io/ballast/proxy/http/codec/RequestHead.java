package io.ballast.proxy.http.codec;

import io.netty.util.AsciiString;
import java.util.Locale;

/** A parsed request head: method, target, version, fields and what they mean for framing. */
public final class RequestHead extends HttpHead {
  Method method;
  int methodEnd;
  int targetStart;
  int targetEnd;
  int pathEnd; // end of the path part of the target (before '?')
  int hostField = -1; // index of the Host field
  boolean expectContinue;
  boolean upgradeRequested;
  boolean absoluteForm;
  int authorityStart;
  int authorityEnd;
  private String host;

  RequestHead(byte[] raw, int rawLength, int fieldLines) {
    super(raw, rawLength, fieldLines);
  }

  public Method method() {
    return method;
  }

  /** The method token as sent. */
  public AsciiString methodName() {
    AsciiString known = method.token();
    return known != null ? known : new AsciiString(raw, 0, methodEnd, false);
  }

  /** The request target as sent ({@code /path?query}, or absolute form). */
  public AsciiString target() {
    return new AsciiString(raw, targetStart, targetEnd - targetStart, false);
  }

  /** The path of the target, without query; for absolute form the path after the authority. */
  public AsciiString path() {
    int start = targetStart;
    if (absoluteForm) {
      start = authorityEnd;
      if (start == pathEnd) {
        return AsciiString.of("/");
      }
    }
    return new AsciiString(raw, start, pathEnd - start, false);
  }

  /** The query string without '?', or {@code null}. */
  public AsciiString query() {
    if (pathEnd >= targetEnd) {
      return null;
    }
    return new AsciiString(raw, pathEnd + 1, targetEnd - pathEnd - 1, false);
  }

  /**
   * The host the request is for, lower case and without port: from the absolute-form target, else
   * the Host field; {@code null} if neither.
   */
  public String host() {
    String h = host;
    if (h == null) {
      int s;
      int e;
      if (absoluteForm) {
        s = authorityStart;
        e = authorityEnd;
      } else if (hostField >= 0) {
        s = fields[hostField * 4 + 2];
        e = fields[hostField * 4 + 3];
      } else {
        return null;
      }
      // Strip the port, minding IPv6 literals.
      int end = e;
      if (s < e && raw[s] == '[') {
        for (int i = s; i < e; i++) {
          if (raw[i] == ']') {
            end = i + 1;
            break;
          }
        }
      } else {
        for (int i = s; i < e; i++) {
          if (raw[i] == ':') {
            end = i;
            break;
          }
        }
      }
      h =
          new String(raw, s, end - s, java.nio.charset.StandardCharsets.ISO_8859_1)
              .toLowerCase(Locale.ROOT);
      host = h;
    }
    return h;
  }

  /** The raw Host field value (with port), or {@code null}. */
  public AsciiString hostHeader() {
    return hostField < 0 ? null : headerValue(hostField);
  }

  /** Whether the client sent {@code Expect: 100-continue} (HTTP/1.1 only). */
  public boolean expectContinue() {
    return expectContinue;
  }

  /**
   * Whether the client asked to switch protocols ({@code Connection: upgrade} + {@code Upgrade}).
   */
  public boolean upgradeRequested() {
    return upgradeRequested;
  }

  /** A query parameter's raw (undecoded) value, or {@code null}. */
  public AsciiString queryParameter(CharSequence name) {
    if (pathEnd >= targetEnd) {
      return null;
    }
    int i = pathEnd + 1;
    while (i < targetEnd) {
      int amp = i;
      while (amp < targetEnd && raw[amp] != '&') {
        amp++;
      }
      int eq = i;
      while (eq < amp && raw[eq] != '=') {
        eq++;
      }
      if (Ascii.equalsIgnoreCase(raw, i, eq, name) && sameCase(i, eq, name)) {
        int vs = eq < amp ? eq + 1 : amp;
        return new AsciiString(raw, vs, amp - vs, false);
      }
      i = amp + 1;
    }
    return null;
  }

  private boolean sameCase(int start, int end, CharSequence name) {
    for (int k = 0; k < name.length(); k++) {
      if (raw[start + k] != name.charAt(k)) {
        return false;
      }
    }
    return end - start == name.length();
  }

  /** A cookie's value from the Cookie field(s), or {@code null}. */
  public AsciiString cookie(CharSequence name) {
    for (int f = 0; f < headerCount; f++) {
      if (!Ascii.equalsLower(raw, fields[f * 4], fields[f * 4 + 1], HeaderNames.COOKIE)) {
        continue;
      }
      int i = fields[f * 4 + 2];
      int end = fields[f * 4 + 3];
      while (i < end) {
        while (i < end && (raw[i] == ' ' || raw[i] == ';')) {
          i++;
        }
        int eq = i;
        while (eq < end && raw[eq] != '=' && raw[eq] != ';') {
          eq++;
        }
        int semi = eq;
        while (semi < end && raw[semi] != ';') {
          semi++;
        }
        if (eq < end && raw[eq] == '=' && eq - i == name.length() && sameCase(i, eq, name)) {
          int vs = eq + 1;
          int ve = semi;
          while (ve > vs && raw[ve - 1] == ' ') {
            ve--;
          }
          if (ve - vs >= 2 && raw[vs] == '"' && raw[ve - 1] == '"') {
            vs++;
            ve--;
          }
          return new AsciiString(raw, vs, ve - vs, false);
        }
        i = semi + 1;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return method + " " + target() + " HTTP/1." + (version - 10);
  }
}

package io.ballast.proxy.http.codec;

import io.netty.util.AsciiString;

/**
 * A parsed HTTP/1.x message head, kept as the raw bytes it arrived in plus offsets: the start line
 * and every header field are located, never copied into strings. Forwarding copies the raw lines
 * that stay and appends the ones that change, so a head costs one array and one small offset table.
 */
public abstract class HttpHead {
  /** Header flag: hop-by-hop or otherwise not forwarded. */
  static final byte DROP = 1;

  final byte[] raw;
  final int rawLength;
  int headerCount;
  // nameStart, nameEnd, valueStart, valueEnd per field
  int[] fields;
  byte[] flags;

  int version; // 10 or 11
  long contentLength = -1;
  boolean chunked;
  boolean connectionClose;
  boolean connectionKeepAlive;
  boolean connectionUpgrade;
  boolean hasBody;

  /**
   * @param fieldLines the head's header lines, counted while it was framed: a field per line, so
   *     the offset table is allocated once at its final size (a bare request's one field costs 16
   *     bytes of offsets, a browser's dozen no regrowth)
   */
  HttpHead(byte[] raw, int rawLength, int fieldLines) {
    this.raw = raw;
    this.rawLength = rawLength;
    int n = Math.max(fieldLines, 1);
    this.fields = new int[n * 4];
    this.flags = new byte[n];
  }

  void addField(int nameStart, int nameEnd, int valueStart, int valueEnd) {
    int i = headerCount;
    if (i * 4 == fields.length) {
      // Only if a caller's count was short: stay correct, grow.
      fields = java.util.Arrays.copyOf(fields, fields.length * 2);
      flags = java.util.Arrays.copyOf(flags, flags.length * 2);
    }
    fields[i * 4] = nameStart;
    fields[i * 4 + 1] = nameEnd;
    fields[i * 4 + 2] = valueStart;
    fields[i * 4 + 3] = valueEnd;
    headerCount = i + 1;
  }

  /** 10 for HTTP/1.0, 11 for HTTP/1.1. */
  public int version() {
    return version;
  }

  /** Whether a body (possibly empty) follows this head; false means the message is complete. */
  public boolean hasBody() {
    return hasBody;
  }

  /** The declared Content-Length, or -1. */
  public long contentLength() {
    return contentLength;
  }

  /** Whether the body is chunked. */
  public boolean chunked() {
    return chunked;
  }

  /** Whether the sender wants the connection kept open after this message. */
  public boolean keepAlive() {
    if (connectionClose) {
      return false;
    }
    return version >= 11 || connectionKeepAlive;
  }

  /** Number of header fields. */
  public int headerCount() {
    return headerCount;
  }

  /** The i-th field's name, as a view over the raw bytes. */
  public AsciiString headerName(int i) {
    return new AsciiString(raw, fields[i * 4], fields[i * 4 + 1] - fields[i * 4], false);
  }

  /** The i-th field's value (without surrounding whitespace), as a view over the raw bytes. */
  public AsciiString headerValue(int i) {
    return new AsciiString(raw, fields[i * 4 + 2], fields[i * 4 + 3] - fields[i * 4 + 2], false);
  }

  /** The first value of a header field (case-insensitive name), or {@code null}. */
  public AsciiString header(CharSequence name) {
    int i = indexOf(name);
    return i < 0 ? null : headerValue(i);
  }

  /** The value of the {@code occurrence}-th field with this name, or {@code null}. */
  public AsciiString header(CharSequence name, int occurrence) {
    int seen = 0;
    for (int i = 0; i < headerCount; i++) {
      if (Ascii.equalsIgnoreCase(raw, fields[i * 4], fields[i * 4 + 1], name)
          && seen++ == occurrence) {
        return headerValue(i);
      }
    }
    return null;
  }

  /** Index of the first field with this name, or -1. */
  public int indexOf(CharSequence name) {
    for (int i = 0; i < headerCount; i++) {
      if (Ascii.equalsIgnoreCase(raw, fields[i * 4], fields[i * 4 + 1], name)) {
        return i;
      }
    }
    return -1;
  }

  /** Size of the head on the wire, in bytes. */
  public int wireLength() {
    return rawLength;
  }

  boolean dropped(int i) {
    return (flags[i] & DROP) != 0;
  }

  void drop(int i) {
    flags[i] |= DROP;
  }

  /** Marks every field named {@code lowerName} as not forwarded. */
  void dropAll(byte[] lowerName) {
    for (int i = 0; i < headerCount; i++) {
      if (Ascii.equalsLower(raw, fields[i * 4], fields[i * 4 + 1], lowerName)) {
        flags[i] |= DROP;
      }
    }
  }

  void dropAll(byte[] b, int start, int end) {
    for (int i = 0; i < headerCount; i++) {
      int ns = fields[i * 4];
      int ne = fields[i * 4 + 1];
      if (ne - ns == end - start && regionEqualsIgnoreCase(raw, ns, b, start, end - start)) {
        flags[i] |= DROP;
      }
    }
  }

  private static boolean regionEqualsIgnoreCase(byte[] a, int ai, byte[] b, int bi, int len) {
    for (int k = 0; k < len; k++) {
      int x = a[ai + k];
      int y = b[bi + k];
      if (x != y) {
        if (x >= 'A' && x <= 'Z') {
          x += 32;
        }
        if (y >= 'A' && y <= 'Z') {
          y += 32;
        }
        if (x != y) {
          return false;
        }
      }
    }
    return true;
  }
}

package io.ballast.proxy.http.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Writes forwarded heads: the raw lines that stay are copied as they arrived; hop-by-hop fields are
 * left out; the lines that must change (version, forwarding headers, Connection) are appended. One
 * pooled buffer per head.
 */
public final class HeadEncoder {
  private HeadEncoder() {}

  private static final byte[] CRLF = {'\r', '\n'};
  private static final int CRLF_SHORT = ('\r' << 8) | '\n';
  private static final byte[] HTTP11_CRLF = Ascii.bytes(" HTTP/1.1\r\n");
  private static final byte[] HTTP11_SP = Ascii.bytes("HTTP/1.1 ");
  private static final byte[] XFF = Ascii.bytes("X-Forwarded-For: ");
  private static final byte[] XFP = Ascii.bytes("X-Forwarded-Proto: ");
  private static final byte[] XFH = Ascii.bytes("X-Forwarded-Host: ");
  private static final byte[] FWD = Ascii.bytes("Forwarded: ");
  private static final byte[] FWD_FOR = Ascii.bytes("for=");
  private static final byte[] FWD_PROTO = Ascii.bytes(";proto=");
  private static final byte[] FWD_HOST = Ascii.bytes(";host=\"");
  private static final byte[] COMMA_SP = Ascii.bytes(", ");
  private static final byte[] HOST = Ascii.bytes("Host: ");
  private static final byte[] CONNECTION_UPGRADE = Ascii.bytes("Connection: upgrade\r\n");
  private static final byte[] CONNECTION_CLOSE = Ascii.bytes("Connection: close\r\n");
  private static final byte[] CONNECTION_KEEP_ALIVE = Ascii.bytes("Connection: keep-alive\r\n");

  /**
   * Encodes a request head for a backend.
   *
   * @param alloc the allocator
   * @param h the client's request head
   * @param fwd the connection's forwarding facts
   * @param defaultHost the Host to send when the client sent none (HTTP/1.0)
   */
  public static ByteBuf encodeRequest(
      ByteBufAllocator alloc, RequestHead h, ForwardingInfo fwd, byte[] defaultHost) {
    byte[] raw = h.raw;
    ByteBuf out = alloc.directBuffer(h.rawLength + 160);
    out.writeBytes(raw, 0, h.targetEnd);
    out.writeBytes(HTTP11_CRLF);

    boolean trust = fwd.config.trustIncoming();
    boolean wantXff = fwd.config.xForwardedFor();
    boolean wantXfp = fwd.config.xForwardedProto();
    boolean wantXfh = fwd.config.xForwardedHost();
    boolean wantFwd = fwd.config.forwarded();
    int xff = -1;
    int xffCount = 0;
    int fwdField = -1;
    int fwdCount = 0;
    boolean haveXfp = false;
    boolean haveXfh = false;
    int[] f = h.fields;
    long run = run(0, -1);
    for (int i = 0; i < h.headerCount; i++) {
      if (h.dropped(i)) {
        continue;
      }
      int ns = f[i * 4];
      int ne = f[i * 4 + 1];
      int nameLength = ne - ns;
      if (nameLength == 15 && Ascii.equalsLower(raw, ns, ne, HeaderNames.X_FORWARDED_FOR)) {
        if (!trust) {
          continue; // a client may not claim addresses
        }
        if (wantXff) {
          if (xff < 0) {
            xff = i;
          }
          xffCount++;
          continue; // joined and appended to below
        }
      } else if (nameLength == 17
          && Ascii.equalsLower(raw, ns, ne, HeaderNames.X_FORWARDED_PROTO)) {
        if (!trust) {
          continue;
        }
        haveXfp = true;
      } else if (nameLength == 16 && Ascii.equalsLower(raw, ns, ne, HeaderNames.X_FORWARDED_HOST)) {
        if (!trust) {
          continue;
        }
        haveXfh = true;
      } else if (nameLength == 9 && Ascii.equalsLower(raw, ns, ne, HeaderNames.FORWARDED)) {
        if (!trust) {
          continue;
        }
        if (wantFwd) {
          if (fwdField < 0) {
            fwdField = i;
          }
          fwdCount++;
          continue;
        }
      }
      run = keep(out, raw, run, ns, f[i * 4 + 3]);
    }
    writeLines(out, raw, run);
    if (h.hostField < 0) {
      out.writeBytes(HOST);
      if (h.absoluteForm) {
        out.writeBytes(raw, h.authorityStart, h.authorityEnd - h.authorityStart);
      } else {
        out.writeBytes(defaultHost);
      }
      out.writeBytes(CRLF);
    }
    if (wantXff) {
      out.writeBytes(XFF);
      if (xff >= 0) {
        writeJoined(out, h, HeaderNames.X_FORWARDED_FOR, xffCount);
        out.writeBytes(COMMA_SP);
      }
      out.writeBytes(fwd.clientIp);
      out.writeBytes(CRLF);
    }
    if (wantXfp && !haveXfp) {
      out.writeBytes(XFP);
      out.writeBytes(fwd.proto);
      out.writeBytes(CRLF);
    }
    if (wantXfh && !haveXfh && (h.hostField >= 0 || h.absoluteForm)) {
      out.writeBytes(XFH);
      writeHost(out, h);
      out.writeBytes(CRLF);
    }
    if (wantFwd) {
      out.writeBytes(FWD);
      if (fwdField >= 0) {
        writeJoined(out, h, HeaderNames.FORWARDED, fwdCount);
        out.writeBytes(COMMA_SP);
      }
      out.writeBytes(FWD_FOR);
      out.writeBytes(fwd.forwardedFor);
      out.writeBytes(FWD_PROTO);
      out.writeBytes(fwd.proto);
      if (h.hostField >= 0 || h.absoluteForm) {
        out.writeBytes(FWD_HOST);
        writeHost(out, h);
        out.writeByte('"');
      }
      out.writeBytes(CRLF);
    }
    if (h.upgradeRequested) {
      out.writeBytes(CONNECTION_UPGRADE);
    }
    out.writeBytes(CRLF);
    return out;
  }

  /**
   * A run of kept lines not yet written: {@code raw[start, end)}, from the first line's start to
   * the last value's end (CRLFs inside included), packed in a long; {@code end < 0} for none.
   */
  private static long run(int start, int end) {
    return ((long) start << 32) | (end & 0xffff_ffffL);
  }

  /**
   * Adds the kept line {@code raw[start, valueEnd)} to {@code run}: it extends the run when only a
   * CRLF lies between them (so both go out in one copy); otherwise the run is written first.
   */
  private static long keep(ByteBuf out, byte[] raw, long run, int start, int valueEnd) {
    int end = (int) run;
    if (end >= 0 && start == end + 2 && raw[end] == '\r' && raw[end + 1] == '\n') {
      return run((int) (run >>> 32), valueEnd);
    }
    writeLines(out, raw, run);
    return run(start, valueEnd);
  }

  /** Writes a run of kept lines, if any, and the CRLF that ends its last line. */
  private static void writeLines(ByteBuf out, byte[] raw, long run) {
    int start = (int) (run >>> 32);
    int end = (int) run;
    if (end >= 0) {
      out.writeBytes(raw, start, end - start);
      out.writeShort(CRLF_SHORT);
    }
  }

  private static void writeHost(ByteBuf out, RequestHead h) {
    if (h.absoluteForm) {
      out.writeBytes(h.raw, h.authorityStart, h.authorityEnd - h.authorityStart);
    } else {
      int vs = h.fields[h.hostField * 4 + 2];
      out.writeBytes(h.raw, vs, h.fields[h.hostField * 4 + 3] - vs);
    }
  }

  private static void writeJoined(ByteBuf out, HttpHead h, byte[] lowerName, int count) {
    int written = 0;
    for (int i = 0; i < h.headerCount && written < count; i++) {
      int ns = h.fields[i * 4];
      if (Ascii.equalsLower(h.raw, ns, h.fields[i * 4 + 1], lowerName)) {
        if (written > 0) {
          out.writeBytes(COMMA_SP);
        }
        int vs = h.fields[i * 4 + 2];
        out.writeBytes(h.raw, vs, h.fields[i * 4 + 3] - vs);
        written++;
      }
    }
  }

  /**
   * Encodes a response head for a client.
   *
   * @param alloc the allocator
   * @param h the backend's response head
   * @param connection what to say about the client connection: {@link ConnectionHeader}
   * @param dechunked whether the body is being de-chunked (drop Transfer-Encoding)
   * @param extra extra raw header lines (each ending in CRLF), or {@code null}
   */
  public static ByteBuf encodeResponse(
      ByteBufAllocator alloc,
      ResponseHead h,
      ConnectionHeader connection,
      boolean dechunked,
      byte[] extra) {
    byte[] raw = h.raw;
    ByteBuf out = alloc.directBuffer(h.rawLength + 64 + (extra == null ? 0 : extra.length));
    out.writeBytes(HTTP11_SP);
    // "HTTP/1.x " is 9 bytes; status, reason and the kept fields are copied as they came, runs of
    // adjacent lines at once.
    long run = run(9, h.reasonEnd);
    int[] f = h.fields;
    for (int i = 0; i < h.headerCount; i++) {
      if (h.dropped(i)) {
        continue;
      }
      int ns = f[i * 4];
      if (dechunked && Ascii.equalsLower(raw, ns, f[i * 4 + 1], HeaderNames.TRANSFER_ENCODING)) {
        continue;
      }
      run = keep(out, raw, run, ns, f[i * 4 + 3]);
    }
    writeLines(out, raw, run);
    if (extra != null) {
      out.writeBytes(extra);
    }
    switch (connection) {
      case CLOSE -> out.writeBytes(CONNECTION_CLOSE);
      case KEEP_ALIVE -> out.writeBytes(CONNECTION_KEEP_ALIVE);
      case UPGRADE -> out.writeBytes(CONNECTION_UPGRADE);
      case NONE -> {}
    }
    out.writeBytes(CRLF);
    return out;
  }

  /** What the forwarded response says in its Connection field. */
  public enum ConnectionHeader {
    /** Nothing (HTTP/1.1 keep-alive is the default). */
    NONE,
    /** {@code Connection: close}: the proxy closes the client connection after it. */
    CLOSE,
    /** {@code Connection: keep-alive}: for HTTP/1.0 clients that asked for it. */
    KEEP_ALIVE,
    /** {@code Connection: upgrade}: a 101 response. */
    UPGRADE
  }

  /**
   * A complete error response with a one-line plain-text body.
   *
   * @param status the status code
   * @param reason the reason phrase
   * @param body the one-line body (a newline is added)
   * @param close whether to say {@code Connection: close}
   * @param extraHeaders extra raw header lines ending in CRLF, or {@code null}
   */
  public static ByteBuf errorResponse(
      ByteBufAllocator alloc,
      int status,
      String reason,
      String body,
      boolean close,
      String extraHeaders) {
    byte[] b = (body + "\n").getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(128);
    sb.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
    sb.append("Content-Type: text/plain; charset=utf-8\r\n");
    sb.append("Content-Length: ").append(b.length).append("\r\n");
    sb.append("Cache-Control: no-store\r\n");
    if (extraHeaders != null) {
      sb.append(extraHeaders);
    }
    if (close) {
      sb.append("Connection: close\r\n");
    }
    sb.append("\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuf out = alloc.directBuffer(head.length + b.length);
    out.writeBytes(head);
    out.writeBytes(b);
    return out;
  }
}

package io.ballast.proxy.http.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;
import java.util.List;

/**
 * A strict HTTP/1.1 decoder for a proxy: parses heads in place and passes body bytes through
 * untouched.
 *
 * <p>It emits a {@link RequestHead} or {@link ResponseHead}, then the body as retained slices of
 * the bytes that arrived (chunk framing included, so the body can be forwarded byte for byte), then
 * {@link BodyEnd}. A message without a body emits only its head. Anything invalid emits one {@link
 * HttpParseError} and the decoder discards the rest of the stream: the connection must close, and
 * nothing after the error can be smuggled to a backend.
 *
 * <p>What it rejects (RFC 9112): bad request lines and versions, field names with whitespace before
 * the colon, obsolete line folding, control characters and bare CR in values, conflicting or
 * malformed Content-Length, Transfer-Encoding together with Content-Length or in HTTP/1.0, a final
 * coding other than chunked, bad chunk sizes and chunk framing, and heads, request lines or bodies
 * over the configured limits.
 */
public final class Http1Decoder extends ByteToMessageDecoder {

  /** Which side of the conversation this decoder reads. */
  public enum Kind {
    /** Reads requests from clients. */
    REQUEST,
    /** Reads responses from backends. */
    RESPONSE
  }

  /** Notified when the first byte of a new head arrives (for the client header timeout). */
  public interface HeadListener {
    /** A new message head began arriving. */
    void headStarted();
  }

  private enum State {
    HEAD,
    FIXED,
    CHUNKED,
    UNTIL_CLOSE,
    PAUSED,
    TUNNEL,
    ERROR
  }

  private static final int CHUNK_SIZE_LINE = 0;
  private static final int CHUNK_DATA = 1;
  private static final int CHUNK_DATA_CR = 2;
  private static final int CHUNK_DATA_LF = 3;
  private static final int CHUNK_TRAILER = 4;
  private static final int MAX_CHUNK_LINE = 4096;
  private static final int MAX_TRAILERS = 16 * 1024;

  /**
   * Bytes a fresh head is first looked for in, copied at once to the heap: most heads are shorter,
   * and scanning a heap array beats reading a direct buffer byte by byte (without {@code Unsafe},
   * each such read goes through a {@code ByteBuffer} with its bounds checks).
   */
  private static final int FAST_HEAD_BYTES = 2048;

  /** Per event loop: where {@link #completeHead} looks for a head. */
  private static final FastThreadLocal<byte[]> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[FAST_HEAD_BYTES];
        }
      };

  private final Kind kind;
  private final int maxStartLine;
  private final int maxFieldsSize;
  private final int maxFields;
  private final long maxBody;
  private HeadListener listener;

  private State state = State.HEAD;

  // Head scanning, relative to the reader index, so a head arriving in pieces is scanned once.
  private int scanned;
  private int lineStart;
  private int lines;
  private int startLineLength;
  private boolean headStarted;
  private boolean headInOneRead;

  // Body framing.
  private long remaining;
  private long bodyBytes;
  private int chunkState;
  private int trailerBytes;
  private boolean dechunk;

  // What the response answers (set by the proxy before each request goes out).
  private boolean expectNoBody;
  private boolean expectUpgrade;

  /**
   * Creates a decoder.
   *
   * @param kind requests or responses
   * @param maxStartLine longest request or status line (414 beyond, for requests)
   * @param maxFieldsSize largest header block (431 beyond)
   * @param maxFields most header fields (431 beyond)
   * @param maxBody largest body; 0 for unlimited (413 beyond)
   */
  public Http1Decoder(Kind kind, int maxStartLine, int maxFieldsSize, int maxFields, long maxBody) {
    this.kind = kind;
    this.maxStartLine = maxStartLine;
    this.maxFieldsSize = maxFieldsSize;
    this.maxFields = maxFields;
    this.maxBody = maxBody;
  }

  /** Sets who hears about new heads. */
  public void headListener(HeadListener listener) {
    this.listener = listener;
  }

  /**
   * Response decoders only: the next response answers a request with this method ({@code HEAD}
   * responses have no body) and possibly an upgrade request ({@code 101} then switches to a
   * tunnel).
   */
  public void expectResponseTo(Method method, boolean upgrade) {
    expectNoBody = method == Method.HEAD;
    expectUpgrade = upgrade;
  }

  /** Response decoders only: emit chunked bodies de-chunked (for HTTP/1.0 clients). */
  public void dechunk(boolean dechunk) {
    this.dechunk = dechunk;
  }

  /** Switches to passing every byte through (after a successful protocol upgrade). */
  public void startTunnel(ChannelHandlerContext ctx) {
    state = State.TUNNEL;
    resumeDecoding(ctx);
  }

  /** Leaves the paused state after a refused upgrade: go on parsing requests. */
  public void resumeHttp(ChannelHandlerContext ctx) {
    if (state == State.PAUSED) {
      state = State.HEAD;
      resumeDecoding(ctx);
    }
  }

  private void resumeDecoding(ChannelHandlerContext ctx) {
    // Bytes that arrived while paused sit in the cumulation; decode them now.
    ByteBuf cumulation = internalBuffer();
    if (cumulation.isReadable()) {
      ctx.pipeline().fireChannelRead(io.netty.buffer.Unpooled.EMPTY_BUFFER);
    }
  }

  /**
   * Whether the head just emitted began and ended in the same read (so {@link
   * HeadListener#headStarted} was called for it microseconds before it was emitted).
   */
  public boolean headInOneRead() {
    return headInOneRead;
  }

  /** Whether a head has begun arriving but is not complete. */
  public boolean inHead() {
    return state == State.HEAD && headStarted;
  }

  /** Whether the decoder is between messages (not inside a head or body). */
  public boolean idle() {
    return state == State.HEAD && !headStarted;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    switch (state) {
      case HEAD -> decodeHead(in, out);
      case FIXED -> {
        int n = (int) Math.min(remaining, in.readableBytes());
        if (n > 0) {
          out.add(in.readRetainedSlice(n));
          remaining -= n;
        }
        if (remaining == 0) {
          out.add(BodyEnd.INSTANCE);
          state = State.HEAD;
        }
      }
      case CHUNKED -> decodeChunked(in, out);
      case UNTIL_CLOSE, TUNNEL -> out.add(in.readRetainedSlice(in.readableBytes()));
      case PAUSED -> {
        // Keep the bytes: they belong to whatever protocol comes next.
      }
      case ERROR -> in.skipBytes(in.readableBytes());
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws Exception {
    if (in.isReadable()) {
      decode(ctx, in, out);
    }
    if (state == State.UNTIL_CLOSE) {
      out.add(BodyEnd.INSTANCE);
      state = State.HEAD;
    }
  }

  private void fail(ByteBuf in, List<Object> out, int status, String reason) {
    in.skipBytes(in.readableBytes());
    state = State.ERROR;
    out.add(new HttpParseError(status, reason));
  }

  private int tooLongStatus() {
    return kind == Kind.REQUEST ? 414 : 502;
  }

  private int tooLargeStatus() {
    return kind == Kind.REQUEST ? 431 : 502;
  }

  private void decodeHead(ByteBuf in, List<Object> out) {
    int r = in.readerIndex();
    int w = in.writerIndex();
    if (scanned == 0) {
      // RFC 9112 §2.2: ignore empty lines before a request line.
      while (r < w) {
        byte b = in.getByte(r);
        if (b != '\r' && b != '\n') {
          break;
        }
        r++;
      }
      in.readerIndex(r);
      if (r == w) {
        return;
      }
      if (!headStarted) {
        headStarted = true;
        if (listener != null) {
          listener.headStarted();
        }
      }
    }
    if (scanned == 0 && completeHead(in, r, w, out)) {
      return;
    }
    int from = r + scanned;
    while (true) {
      int lf = in.indexOf(from, w, (byte) '\n');
      if (lf < 0) {
        scanned = w - r;
        if (lines == 0 && scanned > maxStartLine) {
          fail(in, out, tooLongStatus(), lineTooLong());
        } else if (lines > 0 && scanned - startLineLength > maxFieldsSize) {
          fail(in, out, tooLargeStatus(), fieldsTooLarge());
        }
        return;
      }
      int lineLength = lf - (r + lineStart);
      if (lines == 0) {
        if (lineLength > maxStartLine) {
          fail(in, out, tooLongStatus(), lineTooLong());
          return;
        }
        startLineLength = lineLength + 1;
      } else if (lineLength == 0 || (lineLength == 1 && in.getByte(lf - 1) == '\r')) {
        int headLength = lf + 1 - r;
        byte[] raw = new byte[headLength];
        in.getBytes(r, raw);
        in.readerIndex(r + headLength);
        int fieldLines = lines - 1;
        scanned = 0;
        lineStart = 0;
        lines = 0;
        headStarted = false;
        headInOneRead = false;
        if (headLength - startLineLength > maxFieldsSize) {
          fail(in, out, tooLargeStatus(), fieldsTooLarge());
          return;
        }
        if (fieldLines > maxFields) {
          fail(in, out, tooLargeStatus(), "too many header fields (limit " + maxFields + ")");
          return;
        }
        if (kind == Kind.REQUEST) {
          parseRequest(raw, fieldLines, in, out);
        } else {
          parseResponse(raw, fieldLines, in, out);
        }
        return;
      }
      lines++;
      lineStart = lf + 1 - r;
      from = lf + 1;
      if (lines > 1 && lineStart - startLineLength > maxFieldsSize) {
        fail(in, out, tooLargeStatus(), fieldsTooLarge());
        return;
      }
      if (lines - 1 > maxFields) {
        fail(in, out, tooLargeStatus(), "too many header fields (limit " + maxFields + ")");
        return;
      }
    }
  }

  /**
   * The common case: a whole head, within the limits, in the first {@link #FAST_HEAD_BYTES} of a
   * fresh read. Copies those bytes at once into the event loop's scratch array and scans them
   * there; the head's raw bytes are then copied out of it. Returns false, having consumed nothing,
   * for anything else (a partial, long or over-limit head), which the incremental scan handles.
   */
  private boolean completeHead(ByteBuf in, int r, int w, List<Object> out) {
    int n = Math.min(w - r, FAST_HEAD_BYTES);
    byte[] chunk = SCRATCH.get();
    in.getBytes(r, chunk, 0, n);
    int start = 0;
    int count = 0;
    int startLine = 0;
    for (int i = 0; i < n; i++) {
      if (chunk[i] != '\n') {
        continue;
      }
      int lineLength = i - start;
      if (count == 0) {
        if (lineLength > maxStartLine) {
          return false;
        }
        startLine = lineLength + 1;
      } else if (lineLength == 0 || (lineLength == 1 && chunk[i - 1] == '\r')) {
        int headLength = i + 1;
        if (headLength - startLine > maxFieldsSize || count - 1 > maxFields) {
          return false;
        }
        byte[] raw = Arrays.copyOf(chunk, headLength);
        in.readerIndex(r + headLength);
        headStarted = false;
        headInOneRead = true;
        if (kind == Kind.REQUEST) {
          parseRequest(raw, count - 1, in, out);
        } else {
          parseResponse(raw, count - 1, in, out);
        }
        return true;
      }
      count++;
      start = i + 1;
    }
    return false;
  }

  private String lineTooLong() {
    return kind == Kind.REQUEST
        ? "request line longer than " + maxStartLine + " bytes"
        : "upstream status line too long";
  }

  private String fieldsTooLarge() {
    return kind == Kind.REQUEST
        ? "request header fields larger than " + maxFieldsSize + " bytes"
        : "upstream response header fields too large";
  }

  // ---------------------------------------------------------------- requests

  private void parseRequest(byte[] raw, int fieldLines, ByteBuf in, List<Object> out) {
    int len = raw.length;
    RequestHead h = new RequestHead(raw, len, fieldLines);
    int i = 0;
    while (i < len && Ascii.TCHAR[raw[i] & 0xff]) {
      i++;
    }
    if (i == 0 || i >= len || raw[i] != ' ') {
      fail(in, out, 400, "malformed request line");
      return;
    }
    h.methodEnd = i;
    h.method = Method.of(raw, 0, i);
    i++;
    h.targetStart = i;
    while (i < len && raw[i] > 0x20 && raw[i] < 0x7f) {
      i++;
    }
    if (i == h.targetStart || i >= len || raw[i] != ' ') {
      fail(in, out, 400, "malformed request target");
      return;
    }
    h.targetEnd = i;
    i++;
    int v = parseVersion(raw, i, len);
    if (v < 0) {
      if (v == -2) {
        fail(in, out, 505, "HTTP version not supported (use HTTP/1.1)");
      } else {
        fail(in, out, 400, "malformed HTTP version");
      }
      return;
    }
    h.version = v;
    i += 8;
    if (raw[i] == '\r') {
      i++;
    }
    if (raw[i] != '\n') {
      fail(in, out, 400, "malformed request line");
      return;
    }
    i++;
    if (!parseTarget(h)) {
      if (h.method == Method.CONNECT) {
        fail(in, out, 501, "CONNECT is not supported by this proxy");
      } else {
        fail(in, out, 400, "invalid request target");
      }
      return;
    }
    String err = parseFields(h, raw, i, len);
    if (err != null) {
      fail(in, out, errStatus, err);
      return;
    }
    // Framing and semantics.
    if (h.version >= 11 && h.hostField < 0 && !h.absoluteForm) {
      fail(in, out, 400, "missing Host header");
      return;
    }
    if (h.chunked && h.contentLength >= 0) {
      fail(in, out, 400, "both Content-Length and Transfer-Encoding");
      return;
    }
    if (h.chunked && h.version < 11) {
      fail(in, out, 400, "Transfer-Encoding in an HTTP/1.0 request");
      return;
    }
    if (maxBody > 0 && h.contentLength > maxBody) {
      fail(in, out, 413, "request body larger than " + maxBody + " bytes");
      return;
    }
    if (h.method == Method.CONNECT) {
      fail(in, out, 501, "CONNECT is not supported by this proxy");
      return;
    }
    h.upgradeRequested = h.connectionUpgrade && h.indexOf("upgrade") >= 0 && h.version >= 11;
    if (!h.upgradeRequested) {
      h.dropAll(HeaderNames.UPGRADE);
    }
    h.hasBody = h.chunked || h.contentLength > 0;
    out.add(h);
    startBody(h);
    if (!h.hasBody && h.upgradeRequested) {
      // Whatever follows is for the upgraded protocol, or the next request if refused.
      state = State.PAUSED;
    }
  }

  /** Returns the version (10/11), -1 if malformed, -2 if a major version other than 1. */
  private static int parseVersion(byte[] raw, int i, int len) {
    if (len - i < 9
        || raw[i] != 'H'
        || raw[i + 1] != 'T'
        || raw[i + 2] != 'T'
        || raw[i + 3] != 'P'
        || raw[i + 4] != '/'
        || raw[i + 6] != '.') {
      return -1;
    }
    int major = raw[i + 5] - '0';
    int minor = raw[i + 7] - '0';
    if (major < 0 || major > 9 || minor < 0 || minor > 9) {
      return -1;
    }
    if (major != 1) {
      return -2;
    }
    return minor == 0 ? 10 : 11;
  }

  private static boolean parseTarget(RequestHead h) {
    byte[] raw = h.raw;
    int s = h.targetStart;
    int e = h.targetEnd;
    if (raw[s] == '/') {
      h.pathEnd = indexOf(raw, s, e, (byte) '?');
      return true;
    }
    if (h.method == Method.OPTIONS && e - s == 1 && raw[s] == '*') {
      h.pathEnd = e;
      return true;
    }
    if (h.method == Method.CONNECT) {
      return false;
    }
    int afterScheme;
    if (startsWithIgnoreCase(raw, s, e, "http://")) {
      afterScheme = s + 7;
    } else if (startsWithIgnoreCase(raw, s, e, "https://")) {
      afterScheme = s + 8;
    } else {
      return false;
    }
    int a = afterScheme;
    while (a < e && raw[a] != '/' && raw[a] != '?') {
      a++;
    }
    if (a == afterScheme) {
      return false;
    }
    h.absoluteForm = true;
    h.authorityStart = afterScheme;
    h.authorityEnd = a;
    h.pathEnd = indexOf(raw, a, e, (byte) '?');
    return true;
  }

  private static int indexOf(byte[] raw, int s, int e, byte b) {
    for (int i = s; i < e; i++) {
      if (raw[i] == b) {
        return i;
      }
    }
    return e;
  }

  private static boolean startsWithIgnoreCase(byte[] raw, int s, int e, String prefix) {
    if (e - s < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      int c = raw[s + i];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- responses

  private void parseResponse(byte[] raw, int fieldLines, ByteBuf in, List<Object> out) {
    int len = raw.length;
    ResponseHead h = new ResponseHead(raw, len, fieldLines);
    int v = len < 14 ? -1 : parseVersion(raw, 0, len);
    if (v < 0 || raw[8] != ' ') {
      fail(in, out, 502, "malformed upstream status line");
      return;
    }
    h.version = v;
    int d0 = raw[9] - '0';
    int d1 = raw[10] - '0';
    int d2 = raw[11] - '0';
    if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
      fail(in, out, 502, "malformed upstream status code");
      return;
    }
    h.status = d0 * 100 + d1 * 10 + d2;
    int i = 12;
    if (raw[i] == ' ') {
      i++;
      h.reasonStart = i;
      while (i < len && raw[i] != '\r' && raw[i] != '\n') {
        byte c = raw[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          fail(in, out, 502, "invalid character in upstream reason phrase");
          return;
        }
        i++;
      }
      h.reasonEnd = i;
    } else {
      h.reasonStart = i;
      h.reasonEnd = i;
    }
    if (raw[i] == '\r') {
      i++;
    }
    if (i >= len || raw[i] != '\n') {
      fail(in, out, 502, "malformed upstream status line");
      return;
    }
    i++;
    String err = parseFields(h, raw, i, len);
    if (err != null) {
      fail(in, out, 502, "invalid upstream response: " + err);
      return;
    }
    int status = h.status;
    if (h.chunked && h.contentLength >= 0) {
      // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3); never forward both.
      h.contentLength = -1;
      h.dropAll(HeaderNames.CONTENT_LENGTH);
    }
    boolean switching = status == 101;
    if (switching && !expectUpgrade) {
      fail(in, out, 502, "upstream switched protocols without being asked");
      return;
    }
    if (!switching) {
      h.dropAll(HeaderNames.UPGRADE);
    }
    if (expectNoBody || status < 200 || status == 204 || status == 304) {
      h.hasBody = false;
    } else if (h.chunked) {
      h.hasBody = true;
    } else if (h.contentLength >= 0) {
      h.hasBody = h.contentLength > 0;
    } else {
      h.hasBody = true; // delimited by close
    }
    out.add(h);
    if (switching) {
      state = State.TUNNEL;
      return;
    }
    if (status >= 200) {
      expectNoBody = false;
      expectUpgrade = false;
    }
    if (h.hasBody && !h.chunked && h.contentLength < 0) {
      state = State.UNTIL_CLOSE;
      return;
    }
    startBody(h);
  }

  // ---------------------------------------------------------------- fields

  private int errStatus;

  /** Parses header fields into h; returns an error reason (status in errStatus) or null. */
  private String parseFields(HttpHead h, byte[] raw, int i, int len) {
    int connectionMask = 0;
    errStatus = 400;
    while (true) {
      if (raw[i] == '\n' || (raw[i] == '\r' && raw[i + 1] == '\n')) {
        break;
      }
      if (raw[i] == ' ' || raw[i] == '\t') {
        return "obsolete line folding is not allowed";
      }
      int ns = i;
      while (Ascii.TCHAR[raw[i] & 0xff]) {
        i++;
      }
      if (i == ns || raw[i] != ':') {
        return "invalid header field name";
      }
      int ne = i;
      i++;
      while (Ascii.isOws(raw[i])) {
        i++;
      }
      int vs = i;
      while (raw[i] != '\n') {
        int c = raw[i] & 0xff;
        if (c < 0x20 && c != '\t') {
          if (c != '\r' || raw[i + 1] != '\n') {
            return "invalid character in header field value";
          }
        } else if (c == 0x7f) {
          return "invalid character in header field value";
        }
        i++;
      }
      int ve = i;
      if (raw[ve - 1] == '\r' && ve - 1 >= vs) {
        ve--;
      }
      while (ve > vs && Ascii.isOws(raw[ve - 1])) {
        ve--;
      }
      i++;
      int index = h.headerCount;
      h.addField(ns, ne, vs, ve);
      String err = interpret(h, index, raw, ns, ne, vs, ve);
      if (err != null) {
        return err;
      }
    }
    // Connection options: drop the fields it names (after all fields are known).
    for (int f = 0; f < h.headerCount; f++) {
      int ns = h.fields[f * 4];
      int ne = h.fields[f * 4 + 1];
      if (Ascii.equalsLower(raw, ns, ne, HeaderNames.CONNECTION)) {
        connectionMask |= connectionTokens(h, raw, h.fields[f * 4 + 2], h.fields[f * 4 + 3]);
        h.drop(f);
      }
    }
    if ((connectionMask & 1) != 0) {
      h.connectionClose = true;
    }
    return null;
  }

  /** Processes a Connection field value; returns bit 1 for "close". */
  private static int connectionTokens(HttpHead h, byte[] raw, int s, int e) {
    int mask = 0;
    int i = s;
    while (i < e) {
      while (i < e && (raw[i] == ',' || Ascii.isOws(raw[i]))) {
        i++;
      }
      int ts = i;
      while (i < e && raw[i] != ',' && !Ascii.isOws(raw[i])) {
        i++;
      }
      int te = i;
      if (te == ts) {
        continue;
      }
      if (Ascii.equalsLower(raw, ts, te, HeaderNames.CLOSE)) {
        mask |= 1;
      } else if (Ascii.equalsLower(raw, ts, te, HeaderNames.KEEP_ALIVE)) {
        h.connectionKeepAlive = true;
        h.dropAll(HeaderNames.KEEP_ALIVE);
      } else if (Ascii.equalsLower(raw, ts, te, HeaderNames.UPGRADE)) {
        h.connectionUpgrade = true;
      } else if (!protectedField(raw, ts, te)) {
        h.dropAll(raw, ts, te);
      }
    }
    return mask;
  }

  /** Fields a Connection option may never remove: framing and routing. */
  private static boolean protectedField(byte[] raw, int s, int e) {
    return Ascii.equalsLower(raw, s, e, HeaderNames.CONTENT_LENGTH)
        || Ascii.equalsLower(raw, s, e, HeaderNames.TRANSFER_ENCODING)
        || Ascii.equalsLower(raw, s, e, HeaderNames.HOST);
  }

  private String interpret(HttpHead h, int index, byte[] raw, int ns, int ne, int vs, int ve) {
    switch (ne - ns) {
      case 14:
        if (Ascii.equalsLower(raw, ns, ne, HeaderNames.CONTENT_LENGTH)) {
          return contentLength(h, index, raw, vs, ve);
        }
        break;
      case 17:
        if (Ascii.equalsLower(raw, ns, ne, HeaderNames.TRANSFER_ENCODING)) {
          return transferEncoding(h, raw, vs, ve);
        }
        break;
      case 4:
        if (h instanceof RequestHead rh && Ascii.equalsLower(raw, ns, ne, HeaderNames.HOST)) {
          if (rh.hostField >= 0) {
            return "more than one Host header";
          }
          if (!validHost(raw, vs, ve)) {
            return "invalid Host header";
          }
          rh.hostField = index;
        }
        break;
      case 6:
        if (h instanceof RequestHead rh && Ascii.equalsLower(raw, ns, ne, HeaderNames.EXPECT)) {
          if (rh.version < 11) {
            h.drop(index); // RFC 9110 §10.1.1: ignore expectations in HTTP/1.0
          } else if (Ascii.equalsLower(raw, vs, ve, HeaderNames.CONTINUE_100)) {
            rh.expectContinue = true;
          } else {
            errStatus = 417;
            return "unsupported expectation";
          }
        }
        break;
      case 10:
        if (Ascii.equalsLower(raw, ns, ne, HeaderNames.KEEP_ALIVE)) {
          h.drop(index);
        }
        break;
      case 16:
        if (Ascii.equalsLower(raw, ns, ne, HeaderNames.PROXY_CONNECTION)) {
          h.drop(index);
        }
        break;
      case 2:
        if (Ascii.equalsLower(raw, ns, ne, HeaderNames.TE)) {
          h.drop(index);
        }
        break;
      default:
        break;
    }
    return null;
  }

  private static boolean validHost(byte[] raw, int s, int e) {
    if (s == e) {
      return true; // an empty Host is allowed when the target has no authority
    }
    for (int i = s; i < e; i++) {
      byte c = raw[i];
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == ':'
              || c == '['
              || c == ']'
              || c == '_'
              || c == '~'
              || c == '%';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private String contentLength(HttpHead h, int index, byte[] raw, int vs, int ve) {
    if (vs == ve || ve - vs > 18) {
      return "invalid Content-Length";
    }
    long n = 0;
    for (int i = vs; i < ve; i++) {
      int d = raw[i] - '0';
      if (d < 0 || d > 9) {
        return "invalid Content-Length";
      }
      n = n * 10 + d;
    }
    if (h.contentLength >= 0) {
      if (h.contentLength != n) {
        return "conflicting Content-Length headers";
      }
      h.drop(index); // identical duplicate: forward one
    }
    h.contentLength = n;
    return null;
  }

  private String transferEncoding(HttpHead h, byte[] raw, int vs, int ve) {
    if (h.chunked) {
      return "chunked applied more than once";
    }
    // The final coding must be chunked; earlier codings are forwarded as they are.
    int last = ve;
    int i = ve;
    while (i > vs && raw[i - 1] != ',') {
      i--;
    }
    int ts = i;
    while (ts < last && Ascii.isOws(raw[ts])) {
      ts++;
    }
    boolean finalChunked = Ascii.equalsLower(raw, ts, last, HeaderNames.CHUNKED);
    // chunked anywhere but last is invalid.
    int p = vs;
    while (p < ts) {
      while (p < ts && (raw[p] == ',' || Ascii.isOws(raw[p]))) {
        p++;
      }
      int s = p;
      while (p < ts && raw[p] != ',' && !Ascii.isOws(raw[p])) {
        p++;
      }
      if (p > s && Ascii.equalsLower(raw, s, p, HeaderNames.CHUNKED)) {
        return "chunked applied more than once";
      }
    }
    if (!finalChunked) {
      if (kind == Kind.REQUEST) {
        errStatus = ts == last || ts != vs ? 400 : 501;
        return errStatus == 501
            ? "transfer coding not supported"
            : "Transfer-Encoding does not end in chunked";
      }
      return null; // responses: delimited by close
    }
    h.chunked = true;
    return null;
  }

  // ---------------------------------------------------------------- bodies

  private void startBody(HttpHead h) {
    bodyBytes = 0;
    if (!h.hasBody) {
      state = State.HEAD;
      return;
    }
    if (h.chunked) {
      state = State.CHUNKED;
      chunkState = CHUNK_SIZE_LINE;
      trailerBytes = 0;
    } else {
      state = State.FIXED;
      remaining = h.contentLength;
    }
  }

  private void decodeChunked(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int pos = start;
    int end = in.writerIndex();
    while (pos < end) {
      switch (chunkState) {
        case CHUNK_SIZE_LINE -> {
          int lf = in.indexOf(pos, Math.min(end, pos + MAX_CHUNK_LINE), (byte) '\n');
          if (lf < 0) {
            if (end - pos >= MAX_CHUNK_LINE) {
              emitChunked(in, out, start, pos);
              fail(in, out, badBodyStatus(), "chunk size line too long");
              return;
            }
            emitChunked(in, out, start, pos);
            return;
          }
          long size = parseChunkSize(in, pos, lf);
          if (size < 0) {
            emitChunked(in, out, start, pos);
            fail(in, out, badBodyStatus(), "invalid chunk size");
            return;
          }
          pos = lf + 1;
          if (dechunk) {
            start = pos;
          }
          if (size == 0) {
            chunkState = CHUNK_TRAILER;
          } else {
            bodyBytes += size;
            if (maxBody > 0 && bodyBytes > maxBody) {
              emitChunked(in, out, start, pos);
              fail(in, out, 413, "request body larger than " + maxBody + " bytes");
              return;
            }
            remaining = size;
            chunkState = CHUNK_DATA;
          }
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - pos);
          pos += n;
          remaining -= n;
          if (remaining == 0) {
            chunkState = CHUNK_DATA_CR;
          }
        }
        case CHUNK_DATA_CR -> {
          if (dechunk) {
            if (pos > start) {
              out.add(in.retainedSlice(start, pos - start));
            }
          }
          byte c = in.getByte(pos);
          if (c == '\r') {
            chunkState = CHUNK_DATA_LF;
            pos++;
          } else {
            emitChunked(in, out, start, pos);
            fail(in, out, badBodyStatus(), "chunk data not followed by CRLF");
            return;
          }
          if (dechunk) {
            start = pos;
          }
        }
        case CHUNK_DATA_LF -> {
          if (in.getByte(pos) != '\n') {
            emitChunked(in, out, start, pos);
            fail(in, out, badBodyStatus(), "chunk data not followed by CRLF");
            return;
          }
          pos++;
          if (dechunk) {
            start = pos;
          }
          chunkState = CHUNK_SIZE_LINE;
        }
        case CHUNK_TRAILER -> {
          int lf = in.indexOf(pos, end, (byte) '\n');
          if (lf < 0) {
            trailerBytes += end - pos;
            if (trailerBytes > MAX_TRAILERS) {
              emitChunked(in, out, start, pos);
              fail(in, out, badBodyStatus(), "chunked trailer section too large");
              return;
            }
            // Wait for the rest of the line; nothing before pos is held back.
            emitChunked(in, out, start, pos);
            return;
          }
          int lineLength = lf - pos;
          trailerBytes += lineLength + 1;
          boolean empty = lineLength == 0 || (lineLength == 1 && in.getByte(pos) == '\r');
          pos = lf + 1;
          if (trailerBytes > MAX_TRAILERS) {
            emitChunked(in, out, start, pos);
            fail(in, out, badBodyStatus(), "chunked trailer section too large");
            return;
          }
          if (empty) {
            if (dechunk) {
              in.readerIndex(pos);
            } else {
              out.add(in.retainedSlice(start, pos - start));
              in.readerIndex(pos);
            }
            out.add(BodyEnd.INSTANCE);
            state = State.HEAD;
            return;
          }
          if (dechunk) {
            start = pos; // trailers are dropped for HTTP/1.0 clients
          }
        }
        default -> throw new IllegalStateException();
      }
    }
    if (dechunk && chunkState == CHUNK_DATA) {
      if (pos > start) {
        out.add(in.retainedSlice(start, pos - start));
      }
      in.readerIndex(pos);
      return;
    }
    emitChunked(in, out, start, pos);
  }

  private int badBodyStatus() {
    return kind == Kind.REQUEST ? 400 : 502;
  }

  private void emitChunked(ByteBuf in, List<Object> out, int start, int pos) {
    if (!dechunk && pos > start) {
      out.add(in.retainedSlice(start, pos - start));
    }
    in.readerIndex(pos);
  }

  /** Parses "1a2b[;ext...][CR]" between pos and lf; -1 when invalid. */
  private static long parseChunkSize(ByteBuf in, int pos, int lf) {
    int e = lf;
    if (e > pos && in.getByte(e - 1) == '\r') {
      e--;
    }
    long size = 0;
    int digits = 0;
    int i = pos;
    for (; i < e; i++) {
      int c = in.getByte(i);
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        break;
      }
      if (++digits > 15) {
        return -1; // would overflow anything sane
      }
      size = (size << 4) | d;
    }
    if (digits == 0) {
      return -1;
    }
    // Optional whitespace, then extensions (';' ...) only.
    while (i < e && Ascii.isOws(in.getByte(i))) {
      i++;
    }
    if (i < e && in.getByte(i) != ';') {
      return -1;
    }
    for (; i < e; i++) {
      int c = in.getByte(i) & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return -1;
      }
    }
    return size;
  }
}

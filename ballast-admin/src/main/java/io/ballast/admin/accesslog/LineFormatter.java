package io.ballast.admin.accesslog;

import io.ballast.core.config.AccessLogConfig.Format;
import io.ballast.proxy.observe.ExchangeRecord;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/**
 * Turns an {@link ExchangeRecord} into one access-log line, on the event loop that finished the
 * request, as the UTF-8 bytes the writer copies out (newline included): no String is built and
 * nothing is encoded twice. Each thread keeps its own byte buffer and caches (the formatted second,
 * the last IPv6 client's text, the listener, protocol, pool and backend names rendered with the
 * keys around them) in a Netty {@link FastThreadLocal} — an array slot on event-loop threads, not a
 * map. The constant parts (JSON keys, NCSA separators) are byte arrays rendered once.
 *
 * <p>Formats:
 *
 * <ul>
 *   <li>{@code common}: {@code client - - [time] "request" status bytes} and then Ballast's fields
 *       as {@code key=value}: {@code pool backend retries queue_ms connect_ms ttfb_ms total_ms
 *       error} ({@code -} when absent). Tools that read the NCSA prefix keep working, as with
 *       Traefik's CLF with extra fields.
 *   <li>{@code combined}: the same with {@code "referer" "user-agent"} after the bytes.
 *   <li>{@code json}: one object per line with every field.
 * </ul>
 *
 * <p>Characters: JSON strings escape {@code "}, {@code \}, controls and DEL and keep everything
 * else as UTF-8 (an {@link AsciiString}'s bytes are Latin-1 characters, an unpaired surrogate
 * becomes {@code ?}, as {@link String#getBytes} does). NCSA quoted fields escape {@code "}, {@code
 * \}, controls and anything beyond {@code ~} as {@code \xHH} of the character's low byte, as NGINX
 * does.
 */
final class LineFormatter {
  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
  private static final DateTimeFormatter ISO_SECOND =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

  /** A line longer than this is formatted, but the buffer is not kept at that size. */
  private static final int KEPT_BUFFER_BYTES = 16 * 1024;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = ascii("null");

  // JSON keys and separators, in order.
  private static final byte[] J_CLIENT_PORT = ascii("\",\"client_port\":");
  private static final byte[] J_METHOD = ascii(",\"method\":");
  private static final byte[] J_PATH = ascii(",\"path\":");
  private static final byte[] J_BYTES_IN = ascii(",\"bytes_in\":");
  private static final byte[] J_BYTES_OUT = ascii(",\"bytes_out\":");
  private static final byte[] J_QUEUE = ascii(",\"queue_ms\":");
  private static final byte[] J_CONNECT = ascii(",\"connect_ms\":");
  private static final byte[] J_TTFB = ascii(",\"ttfb_ms\":");
  private static final byte[] J_TOTAL = ascii(",\"total_ms\":");
  private static final byte[] J_REFERER = ascii(",\"referer\":");
  private static final byte[] J_USER_AGENT = ascii(",\"user_agent\":");
  private static final byte[] J_ERROR = ascii(",\"error\":");

  // NCSA separators and Ballast's key=value fields.
  private static final byte[] N_STATUS = ascii("\" ");
  private static final byte[] N_QUOTE_OPEN = ascii(" \"");
  private static final byte[] N_QUOTE_NEXT = ascii("\" \"");
  private static final byte[] N_QUEUE = ascii(" queue_ms=");
  private static final byte[] N_CONNECT = ascii(" connect_ms=");
  private static final byte[] N_TTFB = ascii(" ttfb_ms=");
  private static final byte[] N_TOTAL = ascii(" total_ms=");
  private static final byte[] N_ERROR = ascii(" error=");

  private static final FastThreadLocal<LineFormatter> PER_THREAD =
      new FastThreadLocal<>() {
        @Override
        protected LineFormatter initialValue() {
          return new LineFormatter(ZoneId.systemDefault());
        }
      };

  private final ZoneId zone;
  private byte[] buf = new byte[1024];
  private int pos;
  // The cached second (its first millisecond; MAX_VALUE: none yet) and its text.
  private long clfStart = Long.MAX_VALUE;
  private byte[] clfText;
  private long isoStart = Long.MAX_VALUE;
  private byte[] isoText;
  private InetSocketAddress lastClient;
  private byte[] lastClientText;
  // The names a thread sees are few and the same String objects every time: render them once.
  private final Rendered jsonListeners =
      new Rendered("Z\",\"listener\":", ",\"client\":\"", true, "null");
  private final Rendered jsonProtocols =
      new Rendered(",\"protocol\":", ",\"status\":", true, "null");
  private final Rendered jsonPools = new Rendered(",\"pool\":", ",\"backend\":", true, "null");
  private final Rendered jsonBackends = new Rendered("", ",\"retries\":", true, "null");
  private final Rendered ncsaPools = new Rendered(" pool=", " backend=", false, "-");
  private final Rendered ncsaBackends = new Rendered("", " retries=", false, "null");

  LineFormatter(ZoneId zone) {
    this.zone = zone;
  }

  /** The calling thread's formatter. */
  static LineFormatter current() {
    return PER_THREAD.get();
  }

  /** Formats one line: its UTF-8 bytes and the newline, in an array of exactly that length. */
  byte[] format(Format format, ExchangeRecord r) {
    pos = 0;
    switch (format) {
      case JSON -> json(r);
      case COMMON -> ncsa(r, false);
      case COMBINED -> ncsa(r, true);
      case OFF -> {}
    }
    ensure(1);
    buf[pos++] = '\n';
    byte[] line = Arrays.copyOf(buf, pos);
    if (buf.length > KEPT_BUFFER_BYTES) {
      buf = new byte[1024]; // one huge line must not pin its buffer on every event loop
    }
    return line;
  }

  // ------------------------------------------------------------------ NCSA

  private void ncsa(ExchangeRecord r, boolean combined) {
    client(r);
    put(clfTime(r.startEpochMillis));
    if (isDash(r.method)) {
      put('-');
    } else {
      quoted(r.method);
      put(' ');
      quoted(r.target);
      put(' ');
      raw(r.protocol);
    }
    put(N_STATUS);
    number(r.status);
    put(' ');
    if (r.bytesOut > 0) {
      number(r.bytesOut);
    } else {
      put('-');
    }
    if (combined) {
      put(N_QUOTE_OPEN);
      quotedOrDash(r.referer);
      put(N_QUOTE_NEXT);
      quotedOrDash(r.userAgent);
      put('"');
    }
    put(ncsaPools.get(r.pool));
    put(ncsaBackends.get(r.backend == null ? "-" : r.backend.id()));
    number(r.retries);
    put(N_QUEUE);
    millis(r.queueNanos);
    put(N_CONNECT);
    millis(r.connectNanos);
    put(N_TTFB);
    millis(r.firstByteNanos);
    put(N_TOTAL);
    millis(r.totalNanos);
    put(N_ERROR);
    if (r.error == null) {
      put('-');
    } else {
      raw(r.error);
    }
  }

  private static boolean isDash(CharSequence s) {
    return s == null || (s.length() == 1 && s.charAt(0) == '-');
  }

  private void quotedOrDash(CharSequence s) {
    if (s == null || s.length() == 0) {
      put('-');
    } else {
      quoted(s);
    }
  }

  /** Escapes as NGINX does: quote, backslash, controls and non-ASCII as {@code \xHH}. */
  private void quoted(CharSequence s) {
    int n = s.length();
    ensure(4 * n);
    byte[] b = buf;
    int p = pos;
    if (s instanceof AsciiString a) {
      byte[] src = a.array();
      int off = a.arrayOffset();
      for (int i = 0; i < n; i++) {
        int c = src[off + i] & 0xff;
        if (needsNcsaEscape(c)) {
          p = hexEscape(b, p, c);
        } else {
          b[p++] = (byte) c;
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (needsNcsaEscape(c)) {
          p = hexEscape(b, p, c);
        } else {
          b[p++] = (byte) c;
        }
      }
    }
    pos = p;
  }

  private static int hexEscape(byte[] b, int p, int c) {
    b[p] = '\\';
    b[p + 1] = 'x';
    b[p + 2] = HEX[(c >> 4) & 0xf];
    b[p + 3] = HEX[c & 0xf];
    return p + 4;
  }

  private static boolean needsNcsaEscape(int c) {
    return c == '"' || c == '\\' || c < 0x20 || c > 0x7e;
  }

  private byte[] clfTime(long epochMillis) {
    if (epochMillis - clfStart >= 1000 || epochMillis < clfStart) { // not the cached second
      long second = Math.floorDiv(epochMillis, 1000);
      clfText =
          (" - - ["
                  + CLF_TIME.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), zone))
                  + "] \"")
              .getBytes(StandardCharsets.UTF_8);
      clfStart = second * 1000;
    }
    return clfText;
  }

  // ------------------------------------------------------------------ JSON

  private void json(ExchangeRecord r) {
    isoTime(r.startEpochMillis);
    put(jsonListeners.get(r.listener));
    client(r);
    put(J_CLIENT_PORT);
    number(r.client == null ? 0 : r.client.getPort());
    put(J_METHOD);
    jsonString(r.method);
    put(J_PATH);
    jsonString(r.target);
    put(jsonProtocols.get(r.protocol));
    number(r.status);
    put(J_BYTES_IN);
    number(r.bytesIn);
    put(J_BYTES_OUT);
    number(r.bytesOut);
    put(jsonPools.get(r.pool));
    put(jsonBackends.get(r.backend == null ? null : r.backend.id()));
    number(r.retries);
    put(J_QUEUE);
    millis(r.queueNanos);
    put(J_CONNECT);
    millis(r.connectNanos);
    put(J_TTFB);
    millis(r.firstByteNanos);
    put(J_TOTAL);
    millis(r.totalNanos);
    put(J_REFERER);
    jsonString(r.referer);
    put(J_USER_AGENT);
    jsonString(r.userAgent);
    put(J_ERROR);
    jsonString(r.error);
    put('}');
  }

  /** The ISO time, to the millisecond: the second's text is rendered once per second. */
  private void isoTime(long epochMillis) {
    if (epochMillis - isoStart >= 1000 || epochMillis < isoStart) { // not the cached second
      long second = Math.floorDiv(epochMillis, 1000);
      isoText =
          ("{\"time\":\""
                  + ISO_SECOND.format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC))
                  + ".")
              .getBytes(StandardCharsets.UTF_8);
      isoStart = second * 1000;
    }
    put(isoText); // the line's start, to the second's dot
    ensure(3);
    pad3((int) (epochMillis - isoStart));
  }

  /** A JSON string (or {@code null}), escaped, as UTF-8. */
  private void jsonString(CharSequence s) {
    if (s == null) {
      put(NULL);
      return;
    }
    int n = s.length();
    // A control as backslash-u00XX is the longest a character gets (a surrogate pair: 4 for 2).
    ensure(6 * n + 2);
    byte[] b = buf;
    int p = pos;
    b[p++] = '"';
    if (s instanceof AsciiString a) {
      byte[] src = a.array();
      int off = a.arrayOffset();
      for (int i = 0; i < n; i++) {
        int c = src[off + i] & 0xff;
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
          b[p++] = (byte) c;
        } else {
          p = jsonSpecial(b, p, c);
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
          b[p++] = (byte) c;
        } else if (Character.isSurrogate(c)) {
          char next = i + 1 < n ? s.charAt(i + 1) : 0;
          if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
            p = utf8(b, p, Character.toCodePoint(c, next));
            i++;
          } else {
            b[p++] = '?'; // as the UTF-8 encoder replaces a malformed surrogate
          }
        } else {
          p = jsonSpecial(b, p, c);
        }
      }
    }
    b[p++] = '"';
    pos = p;
  }

  /** An escaped JSON character, or one beyond ASCII as UTF-8 (not a surrogate). */
  private static int jsonSpecial(byte[] b, int p, int c) {
    int shortEscape =
        switch (c) {
          case '"' -> '"';
          case '\\' -> '\\';
          case '\n' -> 'n';
          case '\r' -> 'r';
          case '\t' -> 't';
          default -> 0;
        };
    if (shortEscape != 0) {
      b[p] = '\\';
      b[p + 1] = (byte) shortEscape;
      return p + 2;
    }
    if (c < 0x20 || c == 0x7f) {
      b[p] = '\\';
      b[p + 1] = 'u';
      b[p + 2] = '0';
      b[p + 3] = '0';
      b[p + 4] = HEX[c >> 4];
      b[p + 5] = HEX[c & 0xf];
      return p + 6;
    }
    return utf8(b, p, c);
  }

  /** One code point as UTF-8. */
  private static int utf8(byte[] b, int p, int cp) {
    if (cp < 0x80) {
      b[p] = (byte) cp;
      return p + 1;
    }
    if (cp < 0x800) {
      b[p] = (byte) (0xc0 | (cp >> 6));
      b[p + 1] = (byte) (0x80 | (cp & 0x3f));
      return p + 2;
    }
    if (cp < 0x10000) {
      b[p] = (byte) (0xe0 | (cp >> 12));
      b[p + 1] = (byte) (0x80 | ((cp >> 6) & 0x3f));
      b[p + 2] = (byte) (0x80 | (cp & 0x3f));
      return p + 3;
    }
    b[p] = (byte) (0xf0 | (cp >> 18));
    b[p + 1] = (byte) (0x80 | ((cp >> 12) & 0x3f));
    b[p + 2] = (byte) (0x80 | ((cp >> 6) & 0x3f));
    b[p + 3] = (byte) (0x80 | (cp & 0x3f));
    return p + 4;
  }

  // ------------------------------------------------------------------ shared

  /** The client's address, without an IPv6 zone. */
  private void client(ExchangeRecord r) {
    InetSocketAddress a = r.client;
    if (a == null) {
      put('-');
      return;
    }
    if (a.getAddress() instanceof Inet4Address v4) {
      // The usual case, and a different address object at nearly every request (requests of
      // many connections interleave): the four numbers directly, as getHostAddress() writes them.
      byte[] o = v4.getAddress();
      number(o[0] & 0xff);
      for (int i = 1; i < 4; i++) {
        put('.');
        number(o[i] & 0xff);
      }
      return;
    }
    if (a != lastClient) {
      // The same address object for every request of a connection: format it once.
      String ip = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
      int zoneIndex = ip.indexOf('%');
      lastClientText =
          (zoneIndex >= 0 ? ip.substring(0, zoneIndex) : ip).getBytes(StandardCharsets.UTF_8);
      lastClient = a;
    }
    put(lastClientText);
  }

  /** A string as is, in UTF-8 (Ballast's own values: protocol, error). */
  private void raw(String s) {
    if (s == null) {
      put(NULL); // as StringBuilder.append(null) did
      return;
    }
    int n = s.length();
    ensure(3 * n);
    byte[] b = buf;
    int p = pos;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        put(s.getBytes(StandardCharsets.UTF_8)); // rare: let the encoder do it
        return;
      }
      b[p + i] = (byte) c;
    }
    pos = p + n;
  }

  /** Nanoseconds as milliseconds with three decimals, without floating point. */
  private void millis(long nanos) {
    long n = Math.max(0, nanos);
    int fraction;
    if (n <= Integer.MAX_VALUE) { // under 2.1 s, the usual: int arithmetic
      int micros = (int) n / 1000;
      int whole = micros / 1000;
      number(whole);
      fraction = micros - whole * 1000;
    } else {
      long micros = n / 1000;
      long whole = micros / 1000;
      number(whole);
      fraction = (int) (micros - whole * 1000);
    }
    ensure(4);
    buf[pos++] = '.';
    pad3(fraction);
  }

  private void pad3(int v) {
    byte[] b = buf;
    int p = pos;
    b[p] = (byte) ('0' + v / 100);
    b[p + 1] = (byte) ('0' + (v / 10) % 10);
    b[p + 2] = (byte) ('0' + v % 10);
    pos = p + 3;
  }

  /** A decimal number, as {@link Long#toString} writes it. */
  private void number(long v) {
    if (v == (int) v) {
      number((int) v);
    } else if (v > 0) {
      // Beyond an int (rare: byte counts over 2 GiB): int arithmetic on the two halves, as a
      // 64-bit division costs tens of cycles where one by a constant int is a multiplication.
      number(v / 1_000_000_000L);
      ensure(9);
      int low = (int) (v % 1_000_000_000L);
      byte[] b = buf;
      int end = pos + 9;
      for (int i = end - 1; i >= pos; i--) {
        b[i] = (byte) ('0' + low % 10);
        low /= 10;
      }
      pos = end;
    } else {
      put(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
    }
  }

  private void number(int v) {
    ensure(11);
    byte[] b = buf;
    int p = pos;
    if (v < 0) {
      if (v == Integer.MIN_VALUE) {
        put(Integer.toString(v).getBytes(StandardCharsets.US_ASCII));
        return;
      }
      b[p++] = '-';
      v = -v;
    }
    int end = p + digits(v);
    for (int i = end - 1; i > p; i--) {
      int q = v / 10;
      b[i] = (byte) ('0' + (v - q * 10));
      v = q;
    }
    b[p] = (byte) ('0' + v);
    pos = end;
  }

  private static int digits(int v) {
    if (v < 100_000) {
      return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10_000 ? 4 : 5;
    }
    return v < 1_000_000
        ? 6
        : v < 10_000_000 ? 7 : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
  }

  private void put(byte[] bytes) {
    int n = bytes.length;
    ensure(n);
    System.arraycopy(bytes, 0, buf, pos, n);
    pos += n;
  }

  private void put(char c) {
    ensure(1);
    buf[pos++] = (byte) c;
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A thread's rendering of a few names (listeners, pools, backends, protocols) between the
   * constant text around them, so a name and its neighbouring keys are one copy: looked up by
   * identity, the way the data plane hands them over, and by content when a reload made new
   * objects.
   */
  private static final class Rendered {
    private static final int SLOTS = 8; // a power of two
    private final String[] keys = new String[SLOTS];
    private final byte[][] values = new byte[SLOTS][];
    private final String before;
    private final String after;
    private final boolean json;
    private final byte[] whenNull;
    private int next;

    /** {@code name} rendered as a JSON string, or as is (UTF-8), between before and after. */
    Rendered(String before, String after, boolean json, String whenNull) {
      this.before = before;
      this.after = after;
      this.json = json;
      this.whenNull = (before + whenNull + after).getBytes(StandardCharsets.UTF_8);
    }

    byte[] get(String s) {
      if (s == null) {
        return whenNull;
      }
      String[] k = keys;
      for (int i = 0; i < SLOTS; i++) {
        if (k[i] == s) {
          return values[i];
        }
      }
      for (int i = 0; i < SLOTS; i++) {
        if (s.equals(k[i])) {
          keys[i] = s;
          return values[i];
        }
      }
      byte[] v = render(s);
      int slot = next;
      next = (slot + 1) & (SLOTS - 1);
      keys[slot] = s;
      values[slot] = v;
      return v;
    }

    private byte[] render(String s) {
      LineFormatter f = new LineFormatter(ZoneOffset.UTC);
      f.put(before.getBytes(StandardCharsets.UTF_8));
      if (json) {
        f.jsonString(s);
      } else {
        f.put(s.getBytes(StandardCharsets.UTF_8));
      }
      f.put(after.getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(f.buf, f.pos);
    }
  }
}

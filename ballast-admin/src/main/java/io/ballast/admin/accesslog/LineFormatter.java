package io.ballast.admin.accesslog;

import io.ballast.core.config.AccessLogConfig.Format;
import io.ballast.proxy.observe.ExchangeRecord;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Turns an {@link ExchangeRecord} into one access-log line, on the event loop that finished the
 * request. Each thread keeps its own buffer and caches (the formatted second, the last client's
 * address text) in a Netty {@link FastThreadLocal} — an array slot on event-loop threads, not a
 * map.
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
 */
final class LineFormatter {
  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
  private static final DateTimeFormatter ISO_SECOND =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private static final FastThreadLocal<LineFormatter> PER_THREAD =
      new FastThreadLocal<>() {
        @Override
        protected LineFormatter initialValue() {
          return new LineFormatter(ZoneId.systemDefault());
        }
      };

  private final ZoneId zone;
  private final StringBuilder sb = new StringBuilder(512);
  private long clfSecond = Long.MIN_VALUE;
  private String clfText;
  private long isoSecond = Long.MIN_VALUE;
  private String isoText;
  private InetSocketAddress lastClient;
  private String lastClientText;

  LineFormatter(ZoneId zone) {
    this.zone = zone;
  }

  /** The calling thread's formatter. */
  static LineFormatter current() {
    return PER_THREAD.get();
  }

  /** Formats one line (without the newline). */
  String format(Format format, ExchangeRecord r) {
    StringBuilder b = sb;
    b.setLength(0);
    switch (format) {
      case JSON -> json(b, r);
      case COMMON -> ncsa(b, r, false);
      case COMBINED -> ncsa(b, r, true);
      case OFF -> {}
    }
    return b.toString();
  }

  // ------------------------------------------------------------------ NCSA

  private void ncsa(StringBuilder b, ExchangeRecord r, boolean combined) {
    b.append(client(r)).append(" - - [").append(clfTime(r.startEpochMillis)).append("] \"");
    if (isDash(r.method)) {
      b.append('-');
    } else {
      quoted(b, r.method);
      b.append(' ');
      quoted(b, r.target);
      b.append(' ').append(r.protocol);
    }
    b.append("\" ").append(r.status).append(' ');
    if (r.bytesOut > 0) {
      b.append(r.bytesOut);
    } else {
      b.append('-');
    }
    if (combined) {
      b.append(" \"");
      quotedOrDash(b, r.referer);
      b.append("\" \"");
      quotedOrDash(b, r.userAgent);
      b.append('"');
    }
    b.append(" pool=").append(r.pool == null ? "-" : r.pool);
    b.append(" backend=").append(r.backend == null ? "-" : r.backend.id());
    b.append(" retries=").append(r.retries);
    b.append(" queue_ms=");
    millis(b, r.queueNanos);
    b.append(" connect_ms=");
    millis(b, r.connectNanos);
    b.append(" ttfb_ms=");
    millis(b, r.firstByteNanos);
    b.append(" total_ms=");
    millis(b, r.totalNanos);
    b.append(" error=").append(r.error == null ? "-" : r.error);
  }

  private static boolean isDash(CharSequence s) {
    return s == null || (s.length() == 1 && s.charAt(0) == '-');
  }

  private static void quotedOrDash(StringBuilder b, CharSequence s) {
    if (s == null || s.length() == 0) {
      b.append('-');
    } else {
      quoted(b, s);
    }
  }

  /** Escapes as NGINX does: quote, backslash, controls and non-ASCII as {@code \xHH}. */
  private static void quoted(StringBuilder b, CharSequence s) {
    int n = s.length();
    int clean = 0;
    while (clean < n && !needsNcsaEscape(s.charAt(clean))) {
      clean++;
    }
    b.append(s, 0, clean); // the common case: nothing to escape, one bulk append
    for (int i = clean; i < n; i++) {
      char c = s.charAt(i);
      if (needsNcsaEscape(c)) {
        b.append("\\x").append(Character.forDigit((c >> 4) & 0xf, 16));
        b.append(Character.forDigit(c & 0xf, 16));
      } else {
        b.append(c);
      }
    }
  }

  private static boolean needsNcsaEscape(char c) {
    return c == '"' || c == '\\' || c < 0x20 || c > 0x7e;
  }

  private String clfTime(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    if (second != clfSecond) {
      clfText = CLF_TIME.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), zone));
      clfSecond = second;
    }
    return clfText;
  }

  // ------------------------------------------------------------------ JSON

  private void json(StringBuilder b, ExchangeRecord r) {
    b.append("{\"time\":\"").append(isoSecond(r.startEpochMillis)).append('.');
    pad3(b, (int) Math.floorMod(r.startEpochMillis, 1000L));
    b.append("Z\",\"listener\":");
    jsonString(b, r.listener);
    b.append(",\"client\":\"").append(client(r)).append('"');
    b.append(",\"client_port\":").append(r.client == null ? 0 : r.client.getPort());
    b.append(",\"method\":");
    jsonString(b, r.method);
    b.append(",\"path\":");
    jsonString(b, r.target);
    b.append(",\"protocol\":");
    jsonString(b, r.protocol);
    b.append(",\"status\":").append(r.status);
    b.append(",\"bytes_in\":").append(r.bytesIn);
    b.append(",\"bytes_out\":").append(r.bytesOut);
    b.append(",\"pool\":");
    jsonString(b, r.pool);
    b.append(",\"backend\":");
    jsonString(b, r.backend == null ? null : r.backend.id());
    b.append(",\"retries\":").append(r.retries);
    b.append(",\"queue_ms\":");
    millis(b, r.queueNanos);
    b.append(",\"connect_ms\":");
    millis(b, r.connectNanos);
    b.append(",\"ttfb_ms\":");
    millis(b, r.firstByteNanos);
    b.append(",\"total_ms\":");
    millis(b, r.totalNanos);
    b.append(",\"referer\":");
    jsonString(b, r.referer);
    b.append(",\"user_agent\":");
    jsonString(b, r.userAgent);
    b.append(",\"error\":");
    jsonString(b, r.error);
    b.append('}');
  }

  private String isoSecond(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    if (second != isoSecond) {
      isoText = ISO_SECOND.format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC));
      isoSecond = second;
    }
    return isoText;
  }

  private static void jsonString(StringBuilder b, CharSequence s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    int n = s.length();
    int clean = 0;
    while (clean < n && !needsJsonEscape(s.charAt(clean))) {
      clean++;
    }
    b.append(s, 0, clean); // the common case: nothing to escape, one bulk append
    for (int i = clean; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append("\\u00").append(Character.forDigit(c >> 4, 16));
            b.append(Character.forDigit(c & 0xf, 16));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  private static boolean needsJsonEscape(char c) {
    return c == '"' || c == '\\' || c < 0x20 || c == 0x7f;
  }

  // ------------------------------------------------------------------ shared

  private String client(ExchangeRecord r) {
    InetSocketAddress a = r.client;
    if (a == null) {
      return "-";
    }
    if (a != lastClient) {
      // The same address object for every request of a connection: format it once.
      String ip = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
      int zoneIndex = ip.indexOf('%');
      lastClientText = zoneIndex >= 0 ? ip.substring(0, zoneIndex) : ip;
      lastClient = a;
    }
    return lastClientText;
  }

  /** Nanoseconds as milliseconds with three decimals, without floating point. */
  static void millis(StringBuilder b, long nanos) {
    long micros = Math.max(0, nanos) / 1000;
    b.append(micros / 1000).append('.');
    pad3(b, (int) (micros % 1000));
  }

  private static void pad3(StringBuilder b, int v) {
    if (v < 100) {
      b.append('0');
    }
    if (v < 10) {
      b.append('0');
    }
    b.append(v);
  }
}

package io.ballast.proxy.http.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Heads decode the same however the bytes arrive: in one read (the heap fast path for heads of up
 * to 2 KiB), a byte at a time, or larger than the fast path looks at. Limits answer the same way.
 */
class Http1DecoderTest {
  private static final String GET =
      "GET /a/b?x=1 HTTP/1.1\r\nHost: example.test\r\nUser-Agent: t\r\nX-Long: "
          + "v".repeat(100)
          + "\r\n\r\n";

  private static EmbeddedChannel channel(Http1Decoder.Kind kind) {
    return new EmbeddedChannel(new Http1Decoder(kind, 1024, 8192, 100, 0));
  }

  /** Feeds {@code wire} in pieces of {@code piece} bytes and returns what came out, as text. */
  private static List<String> decode(Http1Decoder.Kind kind, String wire, int piece) {
    EmbeddedChannel ch = channel(kind);
    byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < bytes.length; i += piece) {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
    }
    List<String> out = new ArrayList<>();
    for (Object o; (o = ch.readInbound()) != null; ) {
      String d = describe(o);
      int last = out.size() - 1;
      if (d.startsWith("data:") && last >= 0 && out.get(last).startsWith("data:")) {
        // Body bytes come as they arrived; only their sequence matters.
        out.set(last, out.get(last) + d.substring(5));
      } else {
        out.add(d);
      }
      ReferenceCountUtil.release(o);
    }
    ch.finishAndReleaseAll();
    return out;
  }

  private static String describe(Object o) {
    if (o instanceof HttpHead h) {
      StringBuilder sb = new StringBuilder(h.toString());
      for (int i = 0; i < h.headerCount(); i++) {
        sb.append(" | ").append(h.headerName(i)).append('=').append(h.headerValue(i));
      }
      return sb.append(" | body=")
          .append(h.hasBody())
          .append(" len=")
          .append(h.wireLength())
          .toString();
    }
    if (o instanceof ByteBuf b) {
      return "data:" + b.toString(StandardCharsets.US_ASCII);
    }
    return o.toString();
  }

  private static void sameWholeAndByteByByte(Http1Decoder.Kind kind, String wire) {
    List<String> whole = decode(kind, wire, wire.length());
    assertThat(whole).isNotEmpty();
    assertThat(decode(kind, wire, 1)).isEqualTo(whole);
    assertThat(decode(kind, wire, 7)).isEqualTo(whole);
  }

  @Test
  void aRequestHeadDecodesTheSameWholeOrInPieces() {
    List<String> whole = decode(Http1Decoder.Kind.REQUEST, GET, GET.length());
    assertThat(whole).hasSize(1);
    assertThat(whole.get(0))
        .startsWith("GET /a/b?x=1 HTTP/1.1 | Host=example.test | User-Agent=t | X-Long=vvv")
        .endsWith("body=false len=" + GET.length());
    sameWholeAndByteByByte(Http1Decoder.Kind.REQUEST, GET);
  }

  @Test
  void pipelinedRequestsAndBodiesInOneRead() {
    String post = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
    List<String> out = decode(Http1Decoder.Kind.REQUEST, "\r\n" + GET + post + GET, 100_000);
    assertThat(out).hasSize(5);
    assertThat(out.get(0)).startsWith("GET /a/b?x=1");
    assertThat(out.get(1)).startsWith("POST /p HTTP/1.1").contains("body=true");
    assertThat(out.get(2)).isEqualTo("data:hello");
    assertThat(out.get(4)).startsWith("GET /a/b?x=1");
    sameWholeAndByteByByte(Http1Decoder.Kind.REQUEST, "\r\n" + GET + post + GET);
  }

  @Test
  void aHeadLargerThanTheFastPathLooksAt() {
    String big = "GET / HTTP/1.1\r\nHost: h\r\nCookie: " + "c".repeat(5000) + "\r\n\r\n";
    List<String> out = decode(Http1Decoder.Kind.REQUEST, big, big.length());
    assertThat(out).hasSize(1);
    assertThat(out.get(0)).contains("Cookie=ccc").endsWith("len=" + big.length());
    sameWholeAndByteByByte(Http1Decoder.Kind.REQUEST, big);
  }

  @Test
  void aResponseWithItsBodyInTheSameRead() {
    String resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer: s\r\n\r\nok";
    List<String> out = decode(Http1Decoder.Kind.RESPONSE, resp, resp.length());
    assertThat(out.get(0)).contains("Content-Length=2").contains("body=true");
    assertThat(out.get(1)).isEqualTo("data:ok");
    sameWholeAndByteByByte(Http1Decoder.Kind.RESPONSE, resp);
  }

  @Test
  void limitsAnswerTheSameWholeOrInPieces() {
    String longLine = "GET /" + "a".repeat(1100) + " HTTP/1.1\r\nHost: h\r\n\r\n";
    assertThat(decode(Http1Decoder.Kind.REQUEST, longLine, longLine.length()))
        .containsExactly(describe(new HttpParseError(414, "request line longer than 1024 bytes")));
    sameWholeAndByteByByte(Http1Decoder.Kind.REQUEST, longLine);

    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 101; i++) {
      many.append("X-").append(i).append(": 1\r\n");
    }
    String tooMany = many.append("\r\n").toString();
    assertThat(decode(Http1Decoder.Kind.REQUEST, tooMany, tooMany.length()))
        .containsExactly(describe(new HttpParseError(431, "too many header fields (limit 100)")));
    sameWholeAndByteByByte(Http1Decoder.Kind.REQUEST, tooMany);

    String huge = "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n";
    assertThat(decode(Http1Decoder.Kind.REQUEST, huge, huge.length()))
        .singleElement()
        .asString()
        .contains("431");
    sameWholeAndByteByByte(Http1Decoder.Kind.REQUEST, huge);
  }
}

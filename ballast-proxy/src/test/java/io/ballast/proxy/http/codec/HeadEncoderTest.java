package io.ballast.proxy.http.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.config.ForwardedConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Forwarded heads, byte for byte: kept lines are copied as they came (adjacent ones in one run),
 * dropped ones leave no gap, and a line that does not end in a plain CRLF after its value (trailing
 * whitespace, a bare LF) is written trimmed with a CRLF.
 */
class HeadEncoderTest {
  private static <T> T decode(Http1Decoder.Kind kind, String wire) {
    EmbeddedChannel ch = new EmbeddedChannel(new Http1Decoder(kind, 8192, 65536, 100, 0));
    ch.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.US_ASCII));
    T head = ch.readInbound();
    for (Object o; (o = ch.readInbound()) != null; ) {
      ReferenceCountUtil.release(o);
    }
    ch.finishAndReleaseAll();
    return head;
  }

  private static String text(ByteBuf b) {
    try {
      return b.toString(StandardCharsets.US_ASCII);
    } finally {
      b.release();
    }
  }

  @Test
  void aResponseKeepsItsLinesAndLosesItsHopByHopFields() {
    ResponseHead h =
        decode(
            Http1Decoder.Kind.RESPONSE,
            "HTTP/1.0 200 OK\r\nA: 1\r\nConnection: keep-alive\r\nB: 2  \r\nC: 3\nD: 4\r\n"
                + "Keep-Alive: timeout=5\r\nE: 5\r\nContent-Length: 0\r\n\r\n");
    String out =
        text(
            HeadEncoder.encodeResponse(
                ByteBufAllocator.DEFAULT, h, HeadEncoder.ConnectionHeader.CLOSE, false, null));
    assertThat(out)
        .isEqualTo(
            "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n");
  }

  @Test
  void aResponseWithNothingDroppedIsCopiedAsItCame() {
    String fields = "Content-Type: text/plain\r\nContent-Length: 2\r\nServer: s\r\n";
    ResponseHead h =
        decode(Http1Decoder.Kind.RESPONSE, "HTTP/1.1 404 Not Found\r\n" + fields + "\r\n");
    String out =
        text(
            HeadEncoder.encodeResponse(
                ByteBufAllocator.DEFAULT, h, HeadEncoder.ConnectionHeader.NONE, false, null));
    assertThat(out).isEqualTo("HTTP/1.1 404 Not Found\r\n" + fields + "\r\n");
  }

  @Test
  void aRequestKeepsItsLinesAroundDroppedAndRewrittenOnes() {
    RequestHead h =
        decode(
            Http1Decoder.Kind.REQUEST,
            "GET /x HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 6.6.6.6\r\nAccept: */*\r\n"
                + "Connection: keep-alive\r\nUser-Agent: t \r\nCookie: a=1\r\n\r\n");
    ForwardingInfo fwd =
        new ForwardingInfo(
            new ForwardedConfig(true, false, false, false, false), "10.0.0.9", "http");
    String out = text(HeadEncoder.encodeRequest(ByteBufAllocator.DEFAULT, h, fwd, null));
    // The client's X-Forwarded-For is not trusted: dropped, and the proxy's own appended.
    assertThat(out)
        .isEqualTo(
            "GET /x HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nUser-Agent: t\r\nCookie: a=1\r\n"
                + "X-Forwarded-For: 10.0.0.9\r\n\r\n");
  }
}

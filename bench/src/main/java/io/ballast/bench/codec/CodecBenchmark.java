package io.ballast.bench.codec;

import io.ballast.core.config.ForwardedConfig;
import io.ballast.proxy.http.codec.ForwardingInfo;
import io.ballast.proxy.http.codec.HeadEncoder;
import io.ballast.proxy.http.codec.Http1Decoder;
import io.ballast.proxy.http.codec.RequestHead;
import io.ballast.proxy.http.codec.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-request codec path: parse a browser-like request head in place and write the forwarded
 * head; parse a response head and write it for the client. Run with {@code -prof gc} to see bytes
 * allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  static final byte[] REQUEST =
      ("GET /api/v1/orders/12345?expand=items&page=2 HTTP/1.1\r\n"
              + "Host: shop.example.com\r\n"
              + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0\r\n"
              + "Accept: application/json, text/plain, */*\r\n"
              + "Accept-Language: en-US,en;q=0.9\r\n"
              + "Accept-Encoding: gzip, deflate, br\r\n"
              + "Referer: https://shop.example.com/orders\r\n"
              + "Cookie: session=abc123def456; theme=dark; BALLAST=Xk3q.0.sig\r\n"
              + "Connection: keep-alive\r\n"
              + "X-Request-Id: 9f8e7d6c-5b4a-3210-fedc-ba9876543210\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  static final byte[] RESPONSE =
      ("HTTP/1.1 200 OK\r\n"
              + "Content-Type: application/json\r\n"
              + "Content-Length: 2\r\n"
              + "Cache-Control: no-cache\r\n"
              + "Date: Wed, 25 Nov 2026 20:00:00 GMT\r\n"
              + "Server: backend\r\n\r\n{}")
          .getBytes(StandardCharsets.US_ASCII);

  private EmbeddedChannel requests;
  private EmbeddedChannel responses;
  private ByteBuf request;
  private ByteBuf response;
  private final ForwardingInfo fwd =
      new ForwardingInfo(ForwardedConfig.defaults(), "203.0.113.7", "http");
  private final byte[] defaultHost = "10.0.0.1:8080".getBytes(StandardCharsets.US_ASCII);

  @Setup(Level.Trial)
  public void setup() {
    requests =
        new EmbeddedChannel(new Http1Decoder(Http1Decoder.Kind.REQUEST, 8192, 32768, 100, 0));
    responses =
        new EmbeddedChannel(new Http1Decoder(Http1Decoder.Kind.RESPONSE, 8192, 65536, 256, 0));
    request = PooledByteBufAllocator.DEFAULT.directBuffer(REQUEST.length).writeBytes(REQUEST);
    response = PooledByteBufAllocator.DEFAULT.directBuffer(RESPONSE.length).writeBytes(RESPONSE);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    request.release();
    response.release();
    requests.finishAndReleaseAll();
    responses.finishAndReleaseAll();
  }

  @Benchmark
  public void requestHeadParseAndForward(Blackhole bh) {
    requests.writeInbound(request.retainedDuplicate());
    RequestHead head = requests.readInbound();
    ByteBuf out = HeadEncoder.encodeRequest(PooledByteBufAllocator.DEFAULT, head, fwd, defaultHost);
    bh.consume(out.readableBytes());
    out.release();
  }

  @Benchmark
  public void responseHeadParseAndForward(Blackhole bh) {
    responses.writeInbound(response.retainedDuplicate());
    ResponseHead head = responses.readInbound();
    ByteBuf body = responses.readInbound();
    Object end = responses.readInbound();
    ByteBuf out =
        HeadEncoder.encodeResponse(
            PooledByteBufAllocator.DEFAULT, head, HeadEncoder.ConnectionHeader.NONE, false, null);
    bh.consume(out.readableBytes());
    bh.consume(end);
    out.release();
    body.release();
  }
}

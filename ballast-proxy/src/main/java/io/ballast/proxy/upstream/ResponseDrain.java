package io.ballast.proxy.upstream;

import io.ballast.proxy.http.codec.HttpParseError;
import io.ballast.proxy.http.codec.ResponseHead;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Takes over an upstream connection whose client went away after its request was sent: reads and
 * discards the rest of the response, then returns the connection to its pool. Without this every
 * client that disconnects with a response in flight (a closed browser tab, a load generator
 * stopping, a client timeout) costs a backend connection and a new connect for the next request; a
 * burst of such disconnects turns into a burst of connects. A response longer than {@link
 * #MAX_BYTES} or slower than {@link #MAX_NANOS} (a stream, a stuck backend) is not worth waiting
 * for: the connection is closed, as it was before.
 */
public final class ResponseDrain implements UpstreamListener {
  /** The most response bytes read and discarded to save a connection. */
  static final long MAX_BYTES = 256 * 1024;

  /** The longest wait for the end of the response. */
  static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final UpstreamConnection connection;
  private final ScheduledFuture<?> deadline;
  private ResponseHead head;
  private long bytes;
  private boolean done;

  private ResponseDrain(UpstreamConnection connection, ResponseHead head) {
    this.connection = connection;
    this.head = head;
    connection.handOver(this);
    connection.channel().config().setAutoRead(true);
    this.deadline =
        connection
            .channel()
            .eventLoop()
            .schedule(() -> finish(false), MAX_NANOS, TimeUnit.NANOSECONDS);
  }

  /**
   * Drains the rest of the response on {@code connection}, whose request was sent in full.
   *
   * @param head the final response head if it already arrived, else null
   */
  public static void start(UpstreamConnection connection, ResponseHead head) {
    new ResponseDrain(connection, head);
  }

  @Override
  public void onResponseHead(UpstreamConnection c, ResponseHead h) {
    int status = h.status();
    if (status == 101) {
      finish(false);
    } else if (status >= 200) {
      head = h;
      if (!h.hasBody()) {
        onResponseEnd(c);
      }
    }
  }

  @Override
  public void onResponseBody(UpstreamConnection c, ByteBuf body) {
    bytes += body.readableBytes();
    body.release();
    if (bytes > MAX_BYTES) {
      finish(false);
    }
  }

  @Override
  public void onResponseEnd(UpstreamConnection c) {
    finish(head != null && head.keepAlive() && !head.closeDelimited());
  }

  @Override
  public void onResponseInvalid(UpstreamConnection c, HttpParseError error) {
    finish(false);
  }

  @Override
  public void onUpstreamClosed(UpstreamConnection c, Throwable cause) {
    finish(false);
  }

  @Override
  public void onUpstreamWritabilityChanged(UpstreamConnection c) {}

  @Override
  public void onUpstreamReadComplete(UpstreamConnection c) {}

  private void finish(boolean reusable) {
    if (done) {
      return;
    }
    done = true;
    deadline.cancel(false);
    connection.release(reusable);
  }
}

package io.ballast.proxy.upstream;

import io.ballast.core.model.Backend;
import io.ballast.proxy.http.codec.BodyEnd;
import io.ballast.proxy.http.codec.Http1Decoder;
import io.ballast.proxy.http.codec.HttpParseError;
import io.ballast.proxy.http.codec.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection to a backend, owned by one event loop. While a request uses it, its
 * events go to that request's {@link UpstreamListener}; while idle it sits in its {@link
 * UpstreamPool}.
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {
  private final UpstreamPool pool;
  private final Http1Decoder decoder;
  private Channel channel;
  private UpstreamListener owner;
  private long idleSinceNanos;
  private int requests;
  private boolean closed;

  UpstreamConnection(UpstreamPool pool, Http1Decoder decoder) {
    this.pool = pool;
    this.decoder = decoder;
  }

  /** The backend this connection goes to. */
  public Backend backend() {
    return pool.backend();
  }

  public Channel channel() {
    return channel;
  }

  /** The response decoder (the proxy tells it what each response answers). */
  public Http1Decoder decoder() {
    return decoder;
  }

  /** Requests sent on this connection before the current one: more than 0 means reused. */
  public int previousRequests() {
    return requests - 1;
  }

  /** Gives the connection to a request. */
  public void bind(UpstreamListener listener) {
    owner = listener;
    requests++;
  }

  /** Passes the connection, mid-request, to another listener (see {@link ResponseDrain}). */
  void handOver(UpstreamListener listener) {
    owner = listener;
  }

  /** Whether the connection is open. */
  public boolean isActive() {
    return !closed && channel.isActive();
  }

  /** Returns the connection to its pool (if it can be reused) or closes it. */
  public void release(boolean reusable) {
    owner = null;
    if (reusable && isActive()) {
      channel.config().setAutoRead(true);
      pool.offer(this);
    } else {
      close();
    }
  }

  /** Closes the connection; a pending owner is not told. */
  public void close() {
    owner = null;
    if (!closed) {
      closed = true;
      channel.close();
    }
  }

  long idleSinceNanos() {
    return idleSinceNanos;
  }

  void idleSince(long nanos) {
    idleSinceNanos = nanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    pool.backend().load().connectionOpened();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener o = owner;
    if (o == null) {
      // Bytes on an idle connection: the backend is confused or closing; never reuse it.
      ReferenceCountUtil.release(msg);
      close();
      return;
    }
    if (msg instanceof ByteBuf buf) {
      o.onResponseBody(this, buf);
    } else if (msg instanceof ResponseHead head) {
      o.onResponseHead(this, head);
    } else if (msg == BodyEnd.INSTANCE) {
      o.onResponseEnd(this);
    } else if (msg instanceof HttpParseError error) {
      closed = true;
      channel.close();
      owner = null;
      o.onResponseInvalid(this, error);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener o = owner;
    if (o != null) {
      o.onUpstreamReadComplete(this);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener o = owner;
    if (o != null) {
      o.onUpstreamWritabilityChanged(this);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    pool.backend().load().connectionClosed();
    pool.remove(this);
    UpstreamListener o = owner;
    owner = null;
    if (o != null) {
      o.onUpstreamClosed(this, null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and the like: close, and let channelInactive tell the owner.
    UpstreamListener o = owner;
    owner = null;
    closed = true;
    ctx.close();
    if (o != null) {
      o.onUpstreamClosed(this, cause);
    }
  }
}

package io.ballast.proxy.upstream;

import io.ballast.core.model.Backend;
import io.ballast.proxy.http.codec.Http1Decoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Idle keep-alive connections to one backend on one event loop. No locks: only its loop touches it.
 * Idle connections are reused most-recently-used first, so surplus ones age out.
 */
public final class UpstreamPool {
  private static final int MAX_RESPONSE_START_LINE = 8 * 1024;
  private static final int MAX_RESPONSE_FIELDS_SIZE = 64 * 1024;
  private static final int MAX_RESPONSE_FIELDS = 256;

  private final Backend backend;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
  private int maxIdle = 64;
  private long idleTimeoutNanos = 60_000_000_000L;
  private boolean retired;

  UpstreamPool(Backend backend, EventLoop loop, Bootstrap template) {
    this.backend = backend;
    this.loop = loop;
    this.bootstrap = template.clone(loop).handler(new Initializer());
  }

  public Backend backend() {
    return backend;
  }

  /** Applies the pool's config: idle connections kept and their idle timeout. */
  public void configure(int maxIdle, long idleTimeoutNanos) {
    this.maxIdle = maxIdle;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  /** Takes an idle connection that is still open, or returns {@code null}. */
  public UpstreamConnection poll() {
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      if (c.isActive()) {
        return c;
      }
    }
    return null;
  }

  /**
   * Opens a new connection; the future completes on this pool's loop. Called on that loop, the
   * socket is created, registered and its {@code connect} issued before this returns. Netty's
   * {@code Bootstrap.connect} would queue the {@code connect} as a task behind the loop's current
   * batch of I/O, which on a loop busy with a surge of new clients cost one more pass over all of
   * them (tens of milliseconds) before each new upstream connection even started.
   */
  public ChannelFuture connect(int connectTimeoutMillis) {
    ChannelFuture registered = bootstrap.register();
    Channel ch = registered.channel();
    if (registered.isDone() && !registered.isSuccess()) {
      return registered; // Bootstrap has closed the channel
    }
    ch.config().setConnectTimeoutMillis(Math.max(1, connectTimeoutMillis));
    if (registered.isDone() && loop.inEventLoop()) {
      return ch.connect(backend.socketAddress());
    }
    ChannelPromise connected = ch.newPromise();
    registered.addListener(
        (ChannelFutureListener)
            f -> {
              if (f.isSuccess()) {
                ch.connect(backend.socketAddress(), connected);
              } else {
                connected.setFailure(f.cause());
              }
            });
    return connected;
  }

  /** Sets up each new upstream connection's pipeline when it is registered. */
  private final class Initializer extends ChannelInitializer<SocketChannel> {
    @Override
    protected void initChannel(SocketChannel ch) {
      Http1Decoder decoder =
          new Http1Decoder(
              Http1Decoder.Kind.RESPONSE,
              MAX_RESPONSE_START_LINE,
              MAX_RESPONSE_FIELDS_SIZE,
              MAX_RESPONSE_FIELDS,
              0);
      ch.pipeline().addLast("decoder", decoder);
      ch.pipeline().addLast("upstream", new UpstreamConnection(UpstreamPool.this, decoder));
    }
  }

  void offer(UpstreamConnection c) {
    if (retired || idle.size() >= maxIdle) {
      c.close();
      return;
    }
    c.idleSince(System.nanoTime());
    idle.addFirst(c);
  }

  void remove(UpstreamConnection c) {
    idle.remove(c);
  }

  /** Closes connections idle for longer than the idle timeout. */
  void closeIdle(long nowNanos) {
    Iterator<UpstreamConnection> it = idle.descendingIterator();
    while (it.hasNext()) {
      UpstreamConnection c = it.next();
      if (nowNanos - c.idleSinceNanos() >= idleTimeoutNanos) {
        it.remove();
        c.close();
      } else {
        break; // older ones are at the tail; the rest are younger
      }
    }
  }

  /** The backend left: close idle connections now and never keep new ones. */
  public void retire() {
    retired = true;
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      c.close();
    }
  }

  /** Idle connections right now. */
  public int idleCount() {
    return idle.size();
  }

  EventLoop loop() {
    return loop;
  }
}

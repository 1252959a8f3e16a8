package io.ballast.admin.internal;

import io.ballast.admin.ResponseStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A streamed response body over a channel: each write is one HTTP chunk. */
final class ChannelResponseStream implements ResponseStream {
  private static final Logger log = LoggerFactory.getLogger(ChannelResponseStream.class);

  private final Channel channel;
  private final Consumer<ChannelFuture> onEnd;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final AtomicBoolean closeActionsRun = new AtomicBoolean();
  private final List<Runnable> closeActions = new CopyOnWriteArrayList<>();

  ChannelResponseStream(Channel channel, Consumer<ChannelFuture> onEnd) {
    this.channel = channel;
    this.onEnd = onEnd;
    channel.closeFuture().addListener(f -> ended());
  }

  @Override
  public void write(String text) {
    write(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void write(byte[] bytes) {
    if (!isOpen() || bytes.length == 0) {
      return;
    }
    channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(bytes)));
  }

  @Override
  public boolean writable() {
    return channel.isWritable();
  }

  @Override
  public boolean isOpen() {
    return open.get() && channel.isActive();
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    ChannelFuture last = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    channel.eventLoop().execute(() -> onEnd.accept(last));
    ended();
  }

  @Override
  public void onClose(Runnable action) {
    closeActions.add(action);
    if (closeActionsRun.get() && closeActions.remove(action)) {
      run(action);
    }
  }

  private void ended() {
    open.set(false);
    if (closeActionsRun.compareAndSet(false, true)) {
      for (Runnable r : closeActions) {
        if (closeActions.remove(r)) {
          run(r);
        }
      }
    }
  }

  private static void run(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("stream close action failed", e);
    }
  }
}

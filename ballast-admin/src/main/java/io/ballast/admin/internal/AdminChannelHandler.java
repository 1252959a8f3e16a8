package io.ballast.admin.internal;

import io.ballast.admin.AdminException;
import io.ballast.admin.AdminRequest;
import io.ballast.admin.AdminResponse;
import io.ballast.core.world.ControlPlane;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection: routes each aggregated request, checks access and the body's type, runs the
 * handler and writes its answer. Requests on one connection are answered one at a time, in order
 * (pipelined ones wait), because handlers complete asynchronously.
 */
public final class AdminChannelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(AdminChannelHandler.class);

  private final Router router;
  private final AccessPolicy access;
  private final ArrayDeque<FullHttpRequest> pending = new ArrayDeque<>();
  private boolean busy;

  /** A handler for one connection. */
  public AdminChannelHandler(Router router, AccessPolicy access) {
    this.router = router;
    this.access = access;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    pending.add(req);
    if (!busy) {
      next(ctx);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    FullHttpRequest r;
    while ((r = pending.poll()) != null) {
      r.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("admin connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void next(ChannelHandlerContext ctx) {
    FullHttpRequest req = pending.poll();
    if (req == null) {
      busy = false;
      return;
    }
    busy = true;
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    boolean head = req.method().equals(HttpMethod.HEAD);
    CompletionStage<AdminResponse> answer;
    try {
      answer = dispatch(ctx, req);
    } finally {
      req.release();
    }
    answer.whenComplete(
        (response, failure) -> {
          AdminResponse r = response != null ? response : errorResponse(failure);
          if (ctx.executor().inEventLoop()) {
            write(ctx, r, keepAlive, head);
          } else {
            ctx.executor().execute(() -> write(ctx, r, keepAlive, head));
          }
        });
  }

  private CompletionStage<AdminResponse> dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (req.decoderResult().isFailure()) {
      return CompletableFuture.completedFuture(
          AdminResponse.error(
              HttpResponseStatus.BAD_REQUEST,
              "malformed HTTP request: " + req.decoderResult().cause().getMessage()));
    }
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String rawPath = uri.rawPath();
    try {
      // HEAD is GET without the body (probes and monitors use it).
      HttpMethod method = req.method().equals(HttpMethod.HEAD) ? HttpMethod.GET : req.method();
      Router.Match m = router.match(method, rawPath);
      if (m instanceof Router.NotFound) {
        throw AdminException.notFound("no such resource: " + uri.path());
      }
      if (m instanceof Router.WrongMethod w) {
        throw new AdminException(
                HttpResponseStatus.METHOD_NOT_ALLOWED,
                req.method()
                    + " is not allowed on "
                    + uri.path()
                    + "; allowed: "
                    + String.join(", ", w.allowed()))
            .header(HttpHeaderNames.ALLOW, String.join(", ", w.allowed()));
      }
      Router.Found found = (Router.Found) m;
      InetSocketAddress remote =
          ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
      access.check(found.route().access(), req.headers(), remote);
      byte[] body = ByteBufUtil.getBytes(req.content());
      if (body.length > 0) {
        checkJson(req.headers());
      }
      HttpHeaders headers = new DefaultHttpHeaders().add(req.headers());
      AdminRequest request =
          new AdminRequest(
              method, uri.path(), found.params(), uri.parameters(), headers, body, remote);
      CompletionStage<AdminResponse> r = found.route().handler().handle(request);
      return r == null
          ? CompletableFuture.failedFuture(new IllegalStateException("handler returned null"))
          : r;
    } catch (AdminException e) {
      return CompletableFuture.completedFuture(AdminResponse.error(e));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static void checkJson(HttpHeaders headers) throws AdminException {
    String ct = headers.get(HttpHeaderNames.CONTENT_TYPE);
    String mime = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (mime.equals("application/json") || mime.endsWith("+json")) {
      return;
    }
    throw new AdminException(
        HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
        "the request body must be JSON sent with 'Content-Type: application/json' (got "
            + (ct == null ? "no Content-Type" : "'" + ct + "'")
            + "; with curl add -H 'Content-Type: application/json')");
  }

  /** Turns a handler's failure into a JSON error. */
  static AdminResponse errorResponse(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof AdminException e) {
      return AdminResponse.error(e);
    }
    if (t instanceof ControlPlane.NoSuchElementException e) {
      return AdminResponse.error(HttpResponseStatus.NOT_FOUND, e.getMessage());
    }
    log.error("admin request failed", t);
    return AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + t);
  }

  private void write(ChannelHandlerContext ctx, AdminResponse r, boolean keepAlive, boolean head) {
    if (!ctx.channel().isActive()) {
      busy = false;
      return;
    }
    if (head && r.isStream()) {
      r = AdminResponse.of(r.status(), r.contentType(), new byte[0]);
    }
    if (r.isStream()) {
      writeStream(ctx, r, keepAlive);
      return;
    }
    FullHttpResponse resp =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            r.status(),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
    resp.headers().add(r.headers());
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    finish(ctx, ctx.writeAndFlush(resp), keepAlive);
  }

  private void writeStream(ChannelHandlerContext ctx, AdminResponse r, boolean keepAlive) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status());
    head.headers().add(r.headers());
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    ctx.writeAndFlush(head);
    ChannelResponseStream stream =
        new ChannelResponseStream(ctx.channel(), last -> finish(ctx, last, keepAlive));
    try {
      r.producer().accept(stream);
    } catch (RuntimeException e) {
      log.error("admin stream producer failed", e);
      stream.close();
    }
  }

  /** After a response: keep the connection for the next request, or close it. */
  private void finish(ChannelHandlerContext ctx, ChannelFuture written, boolean keepAlive) {
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    written.addListener(
        f -> {
          if (!f.isSuccess()) {
            ctx.close();
            return;
          }
          next(ctx);
        });
  }
}

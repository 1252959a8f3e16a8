package io.ballast.proxy.http;

import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.RequestInfo;
import io.ballast.core.balance.RequestResult;
import io.ballast.core.config.ListenerConfig;
import io.ballast.core.config.PoolConfig;
import io.ballast.core.config.PoolLimits;
import io.ballast.core.config.RetryConfig;
import io.ballast.core.health.Outcome;
import io.ballast.core.health.OutlierDetector;
import io.ballast.core.health.RetryBudget;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.persist.ResponseHeaders;
import io.ballast.core.persist.SessionAffinity;
import io.ballast.core.persist.SessionState;
import io.ballast.core.time.Randoms;
import io.ballast.core.world.ListenerView;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import io.ballast.proxy.http.codec.BodyEnd;
import io.ballast.proxy.http.codec.ForwardingInfo;
import io.ballast.proxy.http.codec.HeadEncoder;
import io.ballast.proxy.http.codec.HeadEncoder.ConnectionHeader;
import io.ballast.proxy.http.codec.Http1Decoder;
import io.ballast.proxy.http.codec.HttpParseError;
import io.ballast.proxy.http.codec.RequestHead;
import io.ballast.proxy.http.codec.ResponseHead;
import io.ballast.proxy.observe.ExchangeRecord;
import io.ballast.proxy.observe.ListenerObserver;
import io.ballast.proxy.upstream.LoopResources;
import io.ballast.proxy.upstream.ResponseDrain;
import io.ballast.proxy.upstream.UpstreamConnection;
import io.ballast.proxy.upstream.UpstreamListener;
import io.ballast.proxy.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on an HTTP listener: routes each request to a pool, picks a backend,
 * forwards the request on a pooled upstream connection of the same event loop, and streams the
 * response back.
 *
 * <p>One exchange at a time: pipelined requests wait in a small queue and are answered in order.
 * Bodies stream in both directions with back-pressure (a side stops reading while the other cannot
 * take more). A request that fails before any response byte is retried on another backend when that
 * is safe (nothing reached the backend, a stale keep-alive connection, or an idempotent method with
 * a replayable body); otherwise the client gets a precise 502, 503 or 504.
 *
 * <p>Timeouts use one lazily re-armed timer per connection: per request the handler only writes
 * deadline fields, and the timer reschedules itself when it fires early.
 */
public final class HttpProxyHandler extends ChannelInboundHandlerAdapter
    implements UpstreamListener,
        Http1Decoder.HeadListener,
        RequestInfo,
        RequestResult,
        ResponseHeaders {
  private static final Logger log = LoggerFactory.getLogger(HttpProxyHandler.class);

  /** Body bytes buffered while an upstream connection is being opened. */
  private static final int PENDING_LIMIT = 64 * 1024;

  // Body bytes up to this size are copied behind the response head rather than sent as a second
  // buffer: copying a small body costs less than a gather write and an outbound entry.
  private static final int MERGE_BODY_LIMIT = 2048;

  /** Pipelined messages queued behind the current exchange before reading pauses. */
  private static final int QUEUE_LIMIT = 32;

  /** While draining, an idle keep-alive connection is closed after this much quiet. */
  private static final long DRAIN_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private static final int PAUSE_UPSTREAM = 1;
  private static final int PAUSE_PENDING = 2;
  private static final int PAUSE_QUEUE = 4;
  private static final int PAUSE_UPGRADE = 8;

  private enum Failure {
    CONNECT_REFUSED("connect-refused"),
    CONNECT_TIMEOUT("connect-timeout"),
    CLOSED("upstream-closed"),
    RESPONSE_TIMEOUT("response-timeout"),
    INVALID_RESPONSE("invalid-response");

    final String code;

    Failure(String code) {
      this.code = code;
    }
  }

  private final ListenerContext listener;
  private final Http1Decoder decoder;
  private final PickContext pick = new PickContext(Randoms.threadLocal());
  private final SessionState session = new SessionState();
  private Backend persisted;
  private final ExchangeRecord record = new ExchangeRecord();
  private RetryConfig retryConfig = RetryConfig.OFF;
  private RetryBudget budget;
  private boolean retryHeld;
  private boolean staleRetried;
  private final ArrayList<Backend> failedBackends = new ArrayList<>(4);
  private boolean waitingForSlot;
  private long queuedSinceNanos;
  private final Runnable waker = () -> this.ch.eventLoop().execute(this::dequeued);
  private String errorHeaders;
  private ListenerObserver observer = ListenerObserver.NONE;
  private boolean recordOpen;
  private long requestStartNanos;
  private long connectStartNanos;

  private ChannelHandlerContext ctx;
  private Channel ch;
  private LoopResources loop;
  private ForwardingInfo fwd;
  private InetSocketAddress clientAddress;
  private boolean closed;
  private boolean draining;
  private int readPause;

  // Snapshot cache: refreshed when the control plane publishes a new one.
  private Snapshot snapshot;
  private ListenerView view;

  // The current exchange.
  private RequestHead req;
  private PoolSnapshot pool;
  private Backend backend;
  private UpstreamConnection up;
  private ByteBuf encodedHead;
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private int pendingBytes;
  private ArrayList<ByteBuf> replay;
  private int replayBytes;
  private boolean replayable;
  private boolean bodyBytesSent;
  private boolean requestComplete;
  private boolean requestSent;
  private boolean responseStarted;
  private boolean responseComplete;
  private boolean connecting;
  private boolean tunnel;
  private boolean closeAfterResponse;
  private ResponseHead resp;
  private int attempts;
  private boolean attemptFailed;
  private long attemptStartNanos;
  private long responseHeadNanos;
  private long sentNanos;
  private boolean needClientFlush;
  private boolean needUpstreamFlush;
  // A final response head waiting for the first body bytes of the same upstream read, so that a
  // small response goes out as one buffer (one send instead of a two-buffer writev, one outbound
  // entry instead of two). Written at the latest when the upstream read batch ends.
  private ByteBuf heldHead;

  // Pipelined messages behind the current exchange.
  private ArrayDeque<Object> queued;
  private boolean drainingQueue;

  // Timer state. The pending check is cancelled when the connection closes or an earlier one
  // replaces it: a scheduled task holds this handler (and its channel) until it fires, so with a
  // connection per request, an uncancelled idle check kept every closed connection alive for the
  // idle timeout: 100,000 of them (250 MB) at 7,000 connections a second, and young GCs copying
  // them over and over.
  private long timerAt;
  private int timerGeneration;
  private ScheduledFuture<?> timer;
  private long idleSinceNanos;
  private long headStartNanos;
  private long lastClientReadNanos;

  /**
   * The time taken when this request started, while {@link #startRequest} still runs (0 otherwise):
   * its first try starts, and on a pooled connection is sent, within the same microseconds, so they
   * reuse it instead of reading the clock again.
   */
  private long startingNanos;

  private long lastUpstreamReadNanos;

  /**
   * Creates the handler for one client connection.
   *
   * @param listener the listener's shared context
   * @param decoder the connection's request decoder (for head timing and upgrades)
   */
  public HttpProxyHandler(ListenerContext listener, Http1Decoder decoder) {
    this.listener = listener;
    this.decoder = decoder;
    decoder.headListener(this);
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.ch = ctx.channel();
    this.loop = listener.loop(ch.eventLoop());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    clientAddress = (InetSocketAddress) ch.remoteAddress();
    refreshView();
    ListenerConfig lc = view.config();
    String ip = clientAddress.getAddress().getHostAddress();
    int zone = ip.indexOf('%');
    fwd =
        new ForwardingInfo(
            lc.forwarded(), zone >= 0 ? ip.substring(0, zone) : ip, listener.scheme());
    listener.clients().add(ch);
    observer = listener.observer();
    record.client = clientAddress;
    record.listener = listener.name();
    observer.connectionOpened();
    idleSinceNanos = System.nanoTime();
    armIdleTimer(idleSinceNanos);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    cancelTimer();
    if (recordOpen) {
      observeEnd(responseStarted && resp != null ? resp.status() : 0, "client-closed");
    }
    observer.connectionClosed();
    if (up != null) {
      if (requestSent && req != null && !tunnel && !req.upgradeRequested()) {
        // The backend has the whole request and owes a response that nobody will read: read it
        // anyway, and keep the connection (a client going away costs no backend connection).
        ResponseDrain.start(up, resp);
      } else {
        // Part of the request is missing: the connection's state is unknown.
        up.close();
      }
      up = null;
    }
    endAttempt(false);
    releaseExchangeBuffers();
    if (queued != null) {
      for (Object o : queued) {
        ReferenceCountUtil.release(o);
      }
      queued.clear();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      log.debug("client connection {} failed", ch, cause);
    }
    ctx.close();
  }

  /** Graceful shutdown: close now if idle, else after the current exchange. Call on the loop. */
  public void closeWhenIdle() {
    if (closed) {
      return;
    }
    closeAfterResponse = true;
    draining = true;
    if (req == null && decoder.idle() && (queued == null || queued.isEmpty())) {
      // Closing a keep-alive connection the moment it goes idle races with the client's next
      // request. Busy connections get their next response with "Connection: close"; only one
      // that stays quiet for a moment is closed.
      long now = System.nanoTime();
      if (now - idleSinceNanos >= DRAIN_QUIET_NANOS) {
        closed = true;
        ch.close();
      } else {
        arm(idleSinceNanos + DRAIN_QUIET_NANOS);
      }
    }
  }

  // ------------------------------------------------------------------ client side

  @Override
  public void headStarted() {
    headStartNanos = System.nanoTime();
    if (req == null) {
      Snapshot s = snapshot;
      long t = s == null ? 0 : view.config().timeouts().clientHeader().toNanos();
      if (t > 0) {
        arm(headStartNanos + t);
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      if (tunnel) {
        lastClientReadNanos = System.nanoTime();
        if (up != null) {
          up.channel().write(buf);
          needUpstreamFlush = true;
          if (!up.channel().isWritable()) {
            pauseReading(PAUSE_UPSTREAM);
          }
        } else {
          buf.release();
        }
      } else if (inCurrentBody()) {
        requestBody(buf);
      } else if (req != null || hasQueued()) {
        enqueue(buf);
      } else {
        buf.release();
      }
    } else if (msg instanceof RequestHead head) {
      if (req != null || hasQueued()) {
        enqueue(head);
      } else {
        // A head that came whole in one read was complete when it started (moments ago).
        startRequest(head, decoder.headInOneRead() ? headStartNanos : System.nanoTime());
      }
    } else if (msg == BodyEnd.INSTANCE) {
      if (inCurrentBody()) {
        requestEnd();
      } else if (req != null || hasQueued()) {
        enqueue(msg);
      }
    } else if (msg instanceof HttpParseError error) {
      if (inCurrentBody()) {
        requestInvalid(error);
      } else if (req != null || hasQueued()) {
        enqueue(error);
      } else {
        rejectRequest(error.status(), error.reason());
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (needUpstreamFlush && up != null) {
      needUpstreamFlush = false;
      up.channel().flush();
    }
    if (needClientFlush) {
      needClientFlush = false;
      ch.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ch.isWritable() && up != null) {
      up.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private boolean inCurrentBody() {
    return req != null && !requestComplete && !hasQueued();
  }

  private boolean hasQueued() {
    return queued != null && !queued.isEmpty();
  }

  private void enqueue(Object msg) {
    if (queued == null) {
      queued = new ArrayDeque<>();
    }
    queued.add(msg);
    if (queued.size() >= QUEUE_LIMIT) {
      pauseReading(PAUSE_QUEUE);
    }
  }

  private void pauseReading(int reason) {
    if (readPause == 0) {
      ch.config().setAutoRead(false);
    }
    readPause |= reason;
  }

  private void resumeReading(int reason) {
    if ((readPause & reason) == 0) {
      return;
    }
    readPause &= ~reason;
    if (readPause == 0 && !closed) {
      ch.config().setAutoRead(true);
    }
  }

  private void refreshView() {
    Snapshot s = listener.controlPlane().current();
    if (s != snapshot) {
      ListenerView v = s.listener(listener.name());
      if (v != null) {
        view = v;
      }
      snapshot = s;
    }
  }

  private void startRequest(RequestHead head, long now) {
    req = head;
    requestStartNanos = now;
    record.reset();
    record.startEpochMillis = System.currentTimeMillis();
    record.method = head.methodName();
    record.target = head.target();
    record.protocol = head.version() >= 11 ? "HTTP/1.1" : "HTTP/1.0";
    if (observer.wantsRequestHeaders()) {
      record.referer = head.header("referer");
      record.userAgent = head.header("user-agent");
    }
    recordOpen = true;
    resp = null;
    attempts = 0;
    requestComplete = !head.hasBody();
    requestSent = false;
    responseStarted = false;
    responseComplete = false;
    tunnel = false;
    bodyBytesSent = false;
    replayBytes = 0;
    closeAfterResponse |= !head.keepAlive() || listener.stopping();
    lastClientReadNanos = requestStartNanos;
    pick.reset(this);
    failedBackends.clear();
    staleRetried = false;
    retryHeld = false;
    errorHeaders = null;
    refreshView();
    pool = view.route(view.routesByHost() ? head.host() : null, head.path());
    record.pool = pool.name();
    retryConfig = pool.config().retries();
    replayable = retryConfig.enabled();
    budget = pool.runtime().retryBudget(loop.index(), loop.loopCount());
    if (budget != null) {
      budget.requestStarted();
    }
    persisted = null;
    if (pool.affinity() != SessionAffinity.NONE) {
      session.reset();
      persisted = pool.affinity().lookup(pick, session);
    }
    if (head.upgradeRequested()) {
      pauseReading(PAUSE_UPGRADE);
    }
    startingNanos = requestStartNanos;
    try {
      attempt();
    } finally {
      startingNanos = 0;
    }
  }

  private void requestBody(ByteBuf buf) {
    lastClientReadNanos = System.nanoTime();
    record.bytesIn += buf.readableBytes();
    if (responseComplete) {
      buf.release(); // the backend already answered; the connection closes after the response
      return;
    }
    if (up != null) {
      keepForReplay(buf);
      bodyBytesSent = true;
      up.channel().write(buf);
      needUpstreamFlush = true;
      if (!up.channel().isWritable()) {
        pauseReading(PAUSE_UPSTREAM);
      }
    } else {
      pending.add(buf);
      pendingBytes += buf.readableBytes();
      if (pendingBytes > PENDING_LIMIT) {
        pauseReading(PAUSE_PENDING);
      }
    }
  }

  private void requestEnd() {
    requestComplete = true;
    if (responseComplete) {
      finishExchange();
      return;
    }
    if (up != null) {
      markSent();
    }
  }

  private void markSent() {
    requestSent = true;
    sentNanos = startingNanos != 0 ? startingNanos : System.nanoTime();
    long t = responseTimeoutNanos();
    if (t > 0 && !responseStarted) {
      arm(sentNanos + t);
    }
  }

  /** The response timeout of this try: the pool's, or the retry policy's per-try one if shorter. */
  private long responseTimeoutNanos() {
    long t = pool.config().timeouts().response().toNanos();
    long perTry = retryConfig.perTryTimeout().toNanos();
    if (perTry > 0 && (t == 0 || perTry < t)) {
      t = perTry;
    }
    return t;
  }

  private void requestInvalid(HttpParseError error) {
    if (recordOpen) {
      observeEnd(responseStarted && resp != null ? resp.status() : error.status(), "bad-request");
    }
    // The body broke framing mid-stream: what was forwarded is incomplete; nothing can follow.
    if (up != null) {
      up.close();
      up = null;
    }
    endAttempt(false);
    if (!responseStarted) {
      responseStarted = true;
      closeAfterResponse = true;
      ch.writeAndFlush(
              HeadEncoder.errorResponse(
                  ch.alloc(),
                  error.status(),
                  reasonPhrase(error.status()),
                  error.reason(),
                  true,
                  null))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close();
    }
    releaseExchangeBuffers();
    req = null;
  }

  private void rejectRequest(int status, String reason) {
    if (!recordOpen) {
      record.reset();
      record.startEpochMillis = System.currentTimeMillis();
      requestStartNanos = System.nanoTime();
      recordOpen = true;
    }
    observeEnd(status, status == 408 ? "client-timeout" : "bad-request");
    closed = true;
    ch.writeAndFlush(
            HeadEncoder.errorResponse(ch.alloc(), status, reasonPhrase(status), reason, true, null))
        .addListener(ChannelFutureListener.CLOSE);
  }

  // ------------------------------------------------------------------ attempts

  private void attempt() {
    Backend b = choose();
    if (b == null) {
      if (waitingForSlot || closed || req == null) {
        return; // waiting for a slot, or already answered
      }
      respondError(503, "no backend available in pool '" + pool.name() + "'");
      return;
    }
    backend = b;
    record.backend = b;
    attempts++;
    attemptFailed = false;
    attemptStartNanos = startingNanos != 0 ? startingNanos : System.nanoTime();
    b.load().requestStarted();
    if (encodedHead == null) {
      encodedHead = HeadEncoder.encodeRequest(ch.alloc(), req, fwd, b.authority());
    }
    PoolConfig pc = pool.config();
    UpstreamPool upstreams = loop.poolFor(b);
    upstreams.configure(
        pc.connectionPool().maxIdlePerBackend(), pc.connectionPool().idleTimeout().toNanos());
    UpstreamConnection c = upstreams.poll();
    if (c != null) {
      useConnection(c);
      return;
    }
    connecting = true;
    connectStartNanos = attemptStartNanos;
    final RequestHead forRequest = req;
    final int forAttempt = attempts;
    ChannelFuture f = upstreams.connect((int) pc.timeouts().connect().toMillis());
    f.addListener((ChannelFutureListener) future -> onConnect(future, forRequest, forAttempt));
  }

  /**
   * Picks the backend for the next try: the session's backend first, then the balancer's choice
   * among those not tried yet. Backends at a limit ({@code limits:}, {@code max-connections}) are
   * skipped; when all are, the request waits in the pool's queue and this returns {@code null}.
   */
  private Backend choose() {
    boolean limited = pool.runtime().limited();
    int scans = Math.max(1, pool.eligibleCount());
    boolean skipped = false;
    Backend pending = null;
    for (int i = 0; i < scans; i++) {
      // A session goes to its backend first; a retry balances among the others.
      Backend b =
          attempts == 0 && i == 0 && persisted != null ? persisted : pool.picker().pick(pick);
      if (b == null) {
        break;
      }
      if (b.load().ejectionPending()) {
        // About to be ejected (an error streak just reached the threshold): others first, this
        // one only if nothing else is left.
        if (pending == null) {
          pending = b;
        }
        if (pick.tried(b)) {
          break;
        }
        pick.markTried(b);
        continue;
      }
      if (!limited || hasCapacity(b)) {
        return b;
      }
      skipped = true;
      if (pick.tried(b)) {
        break; // every backend is full or tried: the picker came back to one
      }
      pick.markTried(b);
    }
    if (pending != null && (!limited || hasCapacity(pending))) {
      return pending;
    }
    if (skipped) {
      enqueue();
    }
    return null;
  }

  private boolean hasCapacity(Backend b) {
    PoolLimits l = pool.config().limits();
    int maxRequests = l.maxRequestsPerBackend();
    if (maxRequests > 0 && b.load().inflight() >= maxRequests) {
      return false;
    }
    Endpoint e = pool.endpoint(b.id());
    int maxConnections = l.maxConnectionsFor(e == null ? 0 : e.maxConnections());
    return maxConnections <= 0
        || b.load().connections() < maxConnections
        || loop.poolFor(b).idleCount() > 0;
  }

  /** Every backend is at a limit: wait for a slot (bounded queue, bounded time), or 503. */
  private void enqueue() {
    PoolLimits l = pool.config().limits();
    if (!pool.runtime().enqueue(waker, l.maxPending())) {
      errorHeaders = "Retry-After: 1\r\n";
      record.error = "queue-full";
      respondError(
          503,
          "every backend of pool '"
              + pool.name()
              + "' is at its limit and the wait queue is full ("
              + l.maxPending()
              + " waiting)");
      return;
    }
    waitingForSlot = true;
    queuedSinceNanos = System.nanoTime();
    long t = l.queueTimeout().toNanos();
    if (t > 0) {
      arm(queuedSinceNanos + t);
    }
  }

  /** A slot may be free: try again (on this connection's event loop). */
  private void dequeued() {
    if (!waitingForSlot || closed || req == null) {
      return;
    }
    waitingForSlot = false;
    record.queueNanos += System.nanoTime() - queuedSinceNanos;
    // Forget the full backends, keep the ones that failed this request.
    pick.reset(this);
    for (int i = 0; i < failedBackends.size(); i++) {
      pick.markTried(failedBackends.get(i));
    }
    attempt();
  }

  private void leaveQueue() {
    if (waitingForSlot) {
      waitingForSlot = false;
      pool.runtime().cancel(waker);
    }
  }

  private void onConnect(ChannelFuture future, RequestHead forRequest, int forAttempt) {
    boolean current = !closed && req == forRequest && attempts == forAttempt && connecting;
    if (future.isSuccess()) {
      UpstreamConnection c = future.channel().pipeline().get(UpstreamConnection.class);
      if (!current) {
        c.release(true); // not wasted: the next request on this loop takes it
        return;
      }
      connecting = false;
      record.connectNanos += System.nanoTime() - connectStartNanos;
      useConnection(c);
    } else if (current) {
      connecting = false;
      Throwable cause = future.cause();
      upstreamFailed(
          cause instanceof ConnectTimeoutException
              ? Failure.CONNECT_TIMEOUT
              : Failure.CONNECT_REFUSED,
          cause);
    }
  }

  private void useConnection(UpstreamConnection c) {
    up = c;
    c.bind(this);
    c.decoder().expectResponseTo(req.method(), req.upgradeRequested());
    c.decoder().dechunk(req.version() < 11);
    Channel uch = c.channel();
    uch.write(encodedHead.retainedDuplicate());
    if (replay != null) {
      for (int i = 0; i < replay.size(); i++) {
        uch.write(replay.get(i).retainedDuplicate());
      }
    }
    ByteBuf b;
    while ((b = pending.poll()) != null) {
      keepForReplay(b);
      bodyBytesSent = true;
      uch.write(b);
    }
    pendingBytes = 0;
    resumeReading(PAUSE_PENDING);
    if (requestComplete) {
      markSent();
    }
    uch.flush();
    if (!uch.isWritable()) {
      pauseReading(PAUSE_UPSTREAM);
    }
  }

  private void keepForReplay(ByteBuf buf) {
    if (!replayable) {
      return;
    }
    int n = buf.readableBytes();
    if (replayBytes + n > retryConfig.buffer()) {
      replayable = false;
      releaseReplay();
      return;
    }
    if (replay == null) {
      replay = new ArrayList<>(4);
    }
    replay.add(buf.retainedDuplicate());
    replayBytes += n;
  }

  private void upstreamFailed(Failure failure, Throwable cause) {
    Backend failed = backend;
    boolean reused = up != null && up.previousRequests() > 0;
    if (up != null) {
      up.close();
      up = null;
    }
    attemptFailed = true;
    if (failed != null) {
      recordOutcome(
          failed,
          switch (failure) {
            case CONNECT_REFUSED, CONNECT_TIMEOUT -> Outcome.CONNECT_FAILURE;
            case RESPONSE_TIMEOUT -> Outcome.TIMEOUT;
            case CLOSED, INVALID_RESPONSE -> Outcome.RESET;
          });
    }
    endAttempt(true);
    if (failed != null) {
      pick.markTried(failed);
      failedBackends.add(failed);
    }
    if (!closed && canRetry(failure, reused)) {
      observer.retried(failed, failure.code);
      resumeReading(PAUSE_UPSTREAM);
      attempt();
      return;
    }
    record.error = failure.code;
    String where = " (pool '" + pool.name() + "')";
    switch (failure) {
      case CONNECT_REFUSED ->
          respondError(502, "could not connect to a backend" + where + ": " + describe(cause));
      case CONNECT_TIMEOUT -> respondError(504, "timed out connecting to a backend" + where);
      case CLOSED -> respondError(502, "backend closed the connection without a response" + where);
      case RESPONSE_TIMEOUT ->
          respondError(
              504,
              "backend did not respond within "
                  + io.ballast.core.config.Durations.format(
                      java.time.Duration.ofNanos(responseTimeoutNanos()))
                  + where);
      case INVALID_RESPONSE ->
          respondError(502, "invalid response from backend" + where + ": " + describe(cause));
    }
  }

  private static String describe(Throwable cause) {
    if (cause == null) {
      return "unknown error";
    }
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    String m = cause.getMessage();
    return m == null ? cause.getClass().getSimpleName() : m;
  }

  /**
   * Whether a failed try may be retried on another backend: the pool's {@code retries:} allow this
   * failure, the request can be replayed, it is idempotent or never reached the backend, and the
   * retry budget has room. A keep-alive connection the backend closed just as it was reused is a
   * race of the connection, not a failure of the backend: retried once, outside the budget.
   */
  private boolean canRetry(Failure failure, boolean reusedConnection) {
    if (responseStarted || (bodyBytesSent && !replayable)) {
      return false;
    }
    if (failure == Failure.CLOSED && reusedConnection && !staleRetried) {
      staleRetried = true;
      return true;
    }
    if (attempts > retryConfig.attempts()) {
      return false;
    }
    RetryConfig.Condition condition =
        switch (failure) {
          case CONNECT_REFUSED, CONNECT_TIMEOUT -> RetryConfig.Condition.CONNECT_FAILURE;
          case CLOSED, INVALID_RESPONSE -> RetryConfig.Condition.RESET;
          case RESPONSE_TIMEOUT -> RetryConfig.Condition.TIMEOUT;
        };
    if (!retryConfig.retriesOn(condition)) {
      return false;
    }
    boolean nothingSent = condition == RetryConfig.Condition.CONNECT_FAILURE;
    if (nothingSent) {
      // Nothing reached a backend: the retry adds no load anywhere, so the budget (which guards
      // against retry storms multiplying load) does not apply.
      return true;
    }
    if (retryConfig.idempotentOnly() && !req.method().idempotent()) {
      return false;
    }
    return acquireRetry();
  }

  /** Takes a retry from the pool's budget (a brownout must not multiply load). */
  private boolean acquireRetry() {
    if (budget == null) {
      return true;
    }
    if (!budget.tryAcquireRetry()) {
      observer.retryBudgetExhausted(pool.name());
      return false;
    }
    retryHeld = true;
    return true;
  }

  /** Reports a try's outcome to outlier detection; crossing the threshold ejects at once. */
  private void recordOutcome(Backend b, Outcome outcome) {
    OutlierDetector d = pool.runtime().outlier();
    if (d != null && d.record(b, outcome)) {
      b.load().ejectionPending(true);
      listener.controlPlane().consecutiveErrors(pool.name(), b);
    }
  }

  /** Ends the current attempt's accounting; reports the outcome to the balancer. */
  private void endAttempt(boolean reportFailure) {
    Backend b = backend;
    if (b == null) {
      return;
    }
    backend = null;
    b.load().requestEnded();
    endRetry();
    if (pool != null) {
      if (reportFailure) {
        pool.picker().onResult(b, this);
      }
      pool.runtime().slotFreed();
    }
  }

  private void endRetry() {
    if (retryHeld) {
      retryHeld = false;
      budget.retryEnded();
    }
  }

  // ------------------------------------------------------------------ upstream side

  @Override
  public void onResponseHead(UpstreamConnection c, ResponseHead head) {
    long now = System.nanoTime();
    lastUpstreamReadNanos = now;
    int status = head.status();
    if (status < 200) {
      if (status != 101) {
        // Interim responses (100 Continue, 103 Early Hints) go to HTTP/1.1 clients as they are.
        if (req.version() >= 11) {
          ch.write(
              HeadEncoder.encodeResponse(ch.alloc(), head, ConnectionHeader.NONE, false, null));
          needClientFlush = true;
        }
        return;
      }
    }
    if (status >= 200
        && status != 101
        && retryConfig.retriesOnStatus(status)
        && retryStatus(c, head)) {
      return;
    }
    if (status >= 200 && backend != null) {
      OutlierDetector d = pool.runtime().outlier();
      if (d != null) {
        recordOutcome(backend, d.outcomeOf(status));
      }
    }
    responseHeadNanos = now;
    responseStarted = true;
    resp = head;
    record.firstByteNanos = now - requestStartNanos;
    releaseReplay();
    replayable = false;
    if (status == 101) {
      tunnel = true;
      ch.writeAndFlush(
          HeadEncoder.encodeResponse(ch.alloc(), head, ConnectionHeader.UPGRADE, false, null));
      resumeReading(PAUSE_UPGRADE);
      decoder.startTunnel(ctx);
      return;
    }
    if (req.upgradeRequested()) {
      resumeReading(PAUSE_UPGRADE);
      decoder.resumeHttp(ctx);
    }
    boolean dechunk = req.version() < 11 && head.chunked();
    boolean close =
        closeAfterResponse
            || !requestComplete
            || head.closeDelimited()
            || dechunk
            || listener.stopping();
    closeAfterResponse = close;
    ConnectionHeader connection =
        close
            ? ConnectionHeader.CLOSE
            : req.version() < 11 ? ConnectionHeader.KEEP_ALIVE : ConnectionHeader.NONE;
    byte[] extra = null;
    if (pool.affinity() != SessionAffinity.NONE) {
      String cookie = pool.affinity().onResponse(pick, backend, session, this);
      if (cookie != null) {
        extra = ("Set-Cookie: " + cookie + "\r\n").getBytes(StandardCharsets.US_ASCII);
      }
    }
    ByteBuf encoded = HeadEncoder.encodeResponse(ch.alloc(), head, connection, dechunk, extra);
    record.bytesOut += encoded.readableBytes();
    needClientFlush = true;
    if (head.hasBody()) {
      heldHead = encoded;
    } else {
      ch.write(encoded);
      onResponseEnd(c);
    }
  }

  /**
   * A retryable status (502/503/504 by default): if another try is allowed, this response never
   * reaches the client; the connection is dropped (its body unread) and the request goes to another
   * backend.
   */
  private boolean retryStatus(UpstreamConnection c, ResponseHead head) {
    if ((bodyBytesSent && !replayable) || attempts > retryConfig.attempts()) {
      return false;
    }
    if (retryConfig.idempotentOnly() && !req.method().idempotent()) {
      return false;
    }
    if (!acquireRetry()) {
      return false;
    }
    Backend failed = backend;
    OutlierDetector d = pool.runtime().outlier();
    if (d != null) {
      recordOutcome(failed, d.outcomeOf(head.status()));
    }
    up = null;
    c.close();
    // The picker hears the status (latency-aware algorithms penalize a 503).
    responseHeadNanos = System.nanoTime();
    resp = head;
    backend = failed;
    endAttempt(true);
    resp = null;
    pick.markTried(failed);
    failedBackends.add(failed);
    observer.retried(failed, "status-" + head.status());
    resumeReading(PAUSE_UPSTREAM);
    attempt();
    return true;
  }

  @Override
  public void onResponseBody(UpstreamConnection c, ByteBuf body) {
    // A head still held arrived in this same read: its time is this read's.
    lastUpstreamReadNanos = heldHead != null ? responseHeadNanos : System.nanoTime();
    int n = body.readableBytes();
    record.bytesOut += n;
    ByteBuf head = heldHead;
    if (head != null) {
      heldHead = null;
      if (n <= MERGE_BODY_LIMIT && head.maxWritableBytes() >= n) {
        head.writeBytes(body);
        body.release();
        ch.write(head);
      } else {
        ch.write(head);
        ch.write(body);
      }
    } else {
      ch.write(body);
    }
    needClientFlush = true;
    if (!ch.isWritable()) {
      c.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void onResponseEnd(UpstreamConnection c) {
    writeHeldHead();
    responseComplete = true;
    Backend b = backend;
    backend = null;
    if (b != null) {
      b.load().requestEnded();
      endRetry();
      pool.picker().onResult(b, this);
      pool.runtime().slotFreed();
    }
    boolean reusable = resp.keepAlive() && requestSent && !resp.closeDelimited();
    up = null;
    c.release(reusable);
    if (needClientFlush) {
      needClientFlush = false;
      ch.flush();
    }
    if (requestComplete) {
      finishExchange();
    } else {
      // The backend answered before the whole request arrived: the client connection must close.
      closeAfterResponse = true;
      finishExchange();
    }
  }

  @Override
  public void onResponseInvalid(UpstreamConnection c, HttpParseError error) {
    if (up != c) {
      return;
    }
    up = null;
    if (responseStarted) {
      abortClient();
      return;
    }
    upstreamFailed(Failure.INVALID_RESPONSE, new IOException(error.reason()));
  }

  @Override
  public void onUpstreamClosed(UpstreamConnection c, Throwable cause) {
    if (up != c) {
      return;
    }
    if (tunnel) {
      up = null;
      endAttempt(false);
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (responseStarted) {
      // Truncated response: the client can only learn it from the connection closing.
      up = null;
      abortClient();
      return;
    }
    upstreamFailed(Failure.CLOSED, cause);
  }

  @Override
  public void onUpstreamWritabilityChanged(UpstreamConnection c) {
    if (c == up && c.channel().isWritable()) {
      resumeReading(PAUSE_UPSTREAM);
    }
  }

  @Override
  public void onUpstreamReadComplete(UpstreamConnection c) {
    writeHeldHead();
    if (needClientFlush) {
      needClientFlush = false;
      ch.flush();
    }
  }

  /** Writes a response head still waiting for body bytes (see {@link #heldHead}). */
  private void writeHeldHead() {
    ByteBuf head = heldHead;
    if (head != null) {
      heldHead = null;
      ch.write(head);
    }
  }

  private void abortClient() {
    if (recordOpen) {
      observeEnd(
          resp != null ? resp.status() : 0,
          record.error != null ? record.error : "upstream-aborted");
    }
    attemptFailed = true;
    endAttempt(true);
    closed = true;
    ch.close();
  }

  // ------------------------------------------------------------------ completion

  private void respondError(int status, String message) {
    if (responseStarted) {
      abortClient();
      return;
    }
    responseStarted = true;
    responseComplete = true;
    boolean close = closeAfterResponse || !requestComplete || listener.stopping();
    closeAfterResponse = close;
    errorStatus = status;
    if (record.error == null) {
      record.error = status == 503 ? "no-backend" : "error";
    }
    record.firstByteNanos = System.nanoTime() - requestStartNanos;
    ch.writeAndFlush(
        HeadEncoder.errorResponse(
            ch.alloc(),
            status,
            reasonPhrase(status),
            status + " " + reasonPhrase(status) + ": " + message,
            close,
            errorHeaders));
    finishExchange();
  }

  /**
   * Ends a client connection once its last response is written: the FIN first, straight from the
   * socket ({@code shutdown(SHUT_WR)}), then Netty's close. Netty's close makes two system calls
   * before the socket's own (an {@code SO_LINGER} read, the epoll removal), and with the FIN that
   * much later a client that reads "Connection: close" often closed first (wrk did in 39 % of
   * connections): the client then sends an extra ACK and holds the TIME_WAIT state. Only when the
   * HTTP decoder is the first handler: a layer in front of it (TLS's close_notify) may still have
   * to write on close.
   */
  private static final ChannelFutureListener FIN_THEN_CLOSE =
      f -> {
        Channel c = f.channel();
        if (f.isSuccess()
            && c instanceof EpollSocketChannel e
            && c.isActive()
            && c.pipeline().first() instanceof Http1Decoder) {
          try {
            ((Socket) e.fd()).shutdown(false, true);
          } catch (IOException ignored) {
            // the peer is gone already; the close below is all that is left
          }
        }
        c.close();
      };

  private void finishExchange() {
    long now = 0;
    if (recordOpen) {
      now = observeEnd(resp != null ? resp.status() : errorStatus, record.error);
    }
    releaseExchangeBuffers();
    req = null;
    pool = null;
    resp = null;
    if (closeAfterResponse || closed) {
      closed = true;
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(FIN_THEN_CLOSE);
      return;
    }
    idleSinceNanos = now != 0 ? now : System.nanoTime();
    armIdleTimer(idleSinceNanos);
    resumeReading(PAUSE_PENDING | PAUSE_UPSTREAM);
    drainQueue();
  }

  private void drainQueue() {
    if (drainingQueue || queued == null) {
      return;
    }
    drainingQueue = true;
    try {
      Object msg;
      // Queued messages are in arrival order: after a head come its own body parts.
      while (!closed && (req == null || !requestComplete) && (msg = queued.poll()) != null) {
        dispatchQueued(msg);
      }
      if (queued.size() < QUEUE_LIMIT) {
        resumeReading(PAUSE_QUEUE);
      }
      // Not inside a client read: nothing else will flush what the queue wrote.
      if (needUpstreamFlush && up != null) {
        needUpstreamFlush = false;
        up.channel().flush();
      }
    } finally {
      drainingQueue = false;
    }
  }

  private void dispatchQueued(Object msg) {
    if (msg instanceof RequestHead head) {
      startRequest(head, System.nanoTime());
    } else if (msg instanceof ByteBuf buf) {
      if (req != null && !requestComplete) {
        requestBody(buf);
      } else {
        buf.release();
      }
    } else if (msg == BodyEnd.INSTANCE) {
      if (req != null && !requestComplete) {
        requestEnd();
      }
    } else if (msg instanceof HttpParseError error) {
      if (req != null && !requestComplete) {
        requestInvalid(error);
      } else {
        rejectRequest(error.status(), error.reason());
      }
    }
  }

  private void releaseExchangeBuffers() {
    if (heldHead != null) {
      heldHead.release();
      heldHead = null;
    }
    if (encodedHead != null) {
      encodedHead.release();
      encodedHead = null;
    }
    releaseReplay();
    ByteBuf b;
    while ((b = pending.poll()) != null) {
      b.release();
    }
    pendingBytes = 0;
  }

  private void releaseReplay() {
    if (replay != null) {
      for (int i = 0; i < replay.size(); i++) {
        replay.get(i).release();
      }
      replay.clear();
    }
    replayBytes = 0;
  }

  private int errorStatus;

  /** Reports the current request once: to metrics and the access log. Returns the time it ended. */
  private long observeEnd(int status, String error) {
    recordOpen = false;
    leaveQueue();
    endRetry();
    if (budget != null) {
      budget.requestEnded();
      budget = null;
    }
    record.status = status;
    record.error = error;
    record.retries = Math.max(0, attempts - 1);
    long now = System.nanoTime();
    record.totalNanos = now - requestStartNanos;
    try {
      observer.exchangeCompleted(record);
    } catch (RuntimeException e) {
      log.warn("traffic observer failed", e);
    }
    return now;
  }

  // ------------------------------------------------------------------ timers

  private void armIdleTimer(long now) {
    long t = view.config().timeouts().idle().toNanos();
    if (t > 0) {
      arm(now + t);
    }
  }

  private void arm(long deadline) {
    if (timerAt != 0 && timerAt <= deadline) {
      return; // an earlier check is already scheduled; it will re-arm
    }
    cancelTimer();
    timerAt = deadline;
    final int generation = ++timerGeneration;
    long delay = Math.max(0, deadline - System.nanoTime());
    timer = ch.eventLoop().schedule(() -> onTimer(generation), delay, TimeUnit.NANOSECONDS);
  }

  /** Removes the pending check from the event loop's queue (O(log n) on the loop's thread). */
  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      timer = null;
      t.cancel(false);
    }
  }

  private void onTimer(int generation) {
    if (generation != timerGeneration || closed) {
      return;
    }
    timerAt = 0;
    timer = null;
    long now = System.nanoTime();
    long next = checkDeadlines(now);
    if (next != 0 && !closed) {
      arm(next);
    }
  }

  /** Acts on expired deadlines; returns the next deadline to check, or 0. */
  private long checkDeadlines(long now) {
    ListenerConfig lc = view.config();
    if (req == null) {
      if (decoder.inHead()) {
        long t = lc.timeouts().clientHeader().toNanos();
        if (t > 0) {
          if (now - headStartNanos >= t) {
            rejectRequest(408, "request header not received in time");
            return 0;
          }
          return headStartNanos + t;
        }
      }
      long t = lc.timeouts().idle().toNanos();
      if (draining && (t == 0 || t > DRAIN_QUIET_NANOS)) {
        t = DRAIN_QUIET_NANOS;
      }
      if (t > 0) {
        if (now - idleSinceNanos >= t) {
          closed = true;
          ch.close();
          return 0;
        }
        return idleSinceNanos + t;
      }
      return 0;
    }
    long next = Long.MAX_VALUE;
    if (tunnel) {
      long t = lc.timeouts().idle().toNanos();
      if (t > 0) {
        long last = Math.max(lastClientReadNanos, lastUpstreamReadNanos);
        if (now - last >= t) {
          if (up != null) {
            up.close();
            up = null;
          }
          closed = true;
          ch.close();
          return 0;
        }
        next = last + t;
      }
      return next == Long.MAX_VALUE ? 0 : next;
    }
    if (!requestComplete && !responseComplete) {
      long t = lc.timeouts().clientBody().toNanos();
      if (t > 0) {
        if (now - lastClientReadNanos >= t) {
          if (up != null) {
            up.close();
            up = null;
          }
          endAttempt(false);
          if (!responseStarted) {
            responseStarted = true;
            closed = true;
            ch.writeAndFlush(
                    HeadEncoder.errorResponse(
                        ch.alloc(),
                        408,
                        reasonPhrase(408),
                        "request body not received in time",
                        true,
                        null))
                .addListener(ChannelFutureListener.CLOSE);
          } else {
            closed = true;
            ch.close();
          }
          return 0;
        }
        next = Math.min(next, lastClientReadNanos + t);
      }
    }
    PoolConfig pc = pool.config();
    if (waitingForSlot) {
      long t = pc.limits().queueTimeout().toNanos();
      if (t > 0) {
        if (now - queuedSinceNanos >= t) {
          leaveQueue();
          record.queueNanos += now - queuedSinceNanos;
          errorHeaders = "Retry-After: 1\r\n";
          record.error = "queue-timeout";
          respondError(
              503,
              "every backend of pool '"
                  + pool.name()
                  + "' stayed at its limit for "
                  + io.ballast.core.config.Durations.format(pc.limits().queueTimeout()));
          return req == null ? 0 : now + 1_000_000L;
        }
        next = Math.min(next, queuedSinceNanos + t);
      }
    }
    if (requestSent && !responseStarted && up != null) {
      long t = responseTimeoutNanos();
      if (t > 0) {
        if (now - sentNanos >= t) {
          upstreamFailed(Failure.RESPONSE_TIMEOUT, null);
          return req == null ? 0 : now + 1_000_000L;
        }
        next = Math.min(next, sentNanos + t);
      }
    }
    if (responseStarted && !responseComplete && up != null) {
      long t = pc.timeouts().idle().toNanos();
      if (t > 0) {
        if (now - lastUpstreamReadNanos >= t) {
          up.close();
          up = null;
          abortClient();
          return 0;
        }
        next = Math.min(next, lastUpstreamReadNanos + t);
      }
    }
    if (next == Long.MAX_VALUE) {
      // Waiting on something without a deadline (connect has its own); look again later.
      return now + TimeUnit.SECONDS.toNanos(1);
    }
    return next;
  }

  // ------------------------------------------------------------------ RequestInfo / RequestResult

  @Override
  public InetSocketAddress clientAddress() {
    return clientAddress;
  }

  @Override
  public CharSequence header(CharSequence name) {
    return req == null ? null : req.header(name);
  }

  @Override
  public CharSequence cookie(CharSequence name) {
    return req == null ? null : req.cookie(name);
  }

  @Override
  public CharSequence uri() {
    return req == null ? null : req.target();
  }

  @Override
  public CharSequence queryParameter(CharSequence name) {
    return req == null ? null : req.queryParameter(name);
  }

  @Override
  public long latencyNanos() {
    return attemptFailed
        ? System.nanoTime() - attemptStartNanos
        : responseHeadNanos - attemptStartNanos;
  }

  @Override
  public int status() {
    return attemptFailed || resp == null ? 0 : resp.status();
  }

  @Override
  public boolean failed() {
    return attemptFailed;
  }

  @Override
  public CharSequence responseHeader(CharSequence name) {
    return attemptFailed || resp == null ? null : resp.header(name);
  }

  @Override
  public CharSequence header(CharSequence name, int occurrence) {
    return resp == null ? null : resp.header(name, occurrence);
  }

  static String reasonPhrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 417 -> "Expectation Failed";
      case 431 -> "Request Header Fields Too Large";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> "Error";
    };
  }
}

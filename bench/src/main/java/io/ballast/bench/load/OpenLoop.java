package io.ballast.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An open-loop HTTP/1.1 load generator: requests are due on a fixed schedule ({@code --rate} per
 * second), whether or not earlier ones have been answered, and each request's latency is measured
 * from its <em>due</em> time, so a stall anywhere (proxy, backend, or a queue in front of them)
 * shows up in full instead of being hidden by a waiting client (no coordinated omission).
 *
 * <p>Requests go out on {@code --connections} keep-alive connections, one at a time on each (no
 * pipelining). A due request goes to an idle connection when there is one; otherwise it waits in
 * the queue of the next connection in turn (still timed from its due time). Requests queued or in
 * flight are bounded by {@code --max-outstanding}; beyond it new ones are dropped and counted as
 * errors. Everything runs on one Netty event loop.
 *
 * <p>Output: a human summary on stderr and one machine-readable line on stdout:
 *
 * <pre>
 * RESULT label=x target_rate=3000 rate=2999.7 ok=59994 errors=0 non2xx=0 resets=0 timeouts=0
 *        dropped=0 p50=0.210 p90=0.330 p99=0.800 p999=2.100 max=5.300 lag_p99=0.05 ...
 * </pre>
 *
 * (latencies in ms). With {@code --timeline}, {@code TIMELINE t ok errors} lines per 0.5 s window
 * precede it; with {@code --kill-pid} and {@code --kill-at} the tool SIGKILLs that process at that
 * point of the measurement and adds {@code pre_rate}, {@code min_window_rate}, {@code
 * min_window_ratio} (lowest window after the kill ÷ the mean window before it) and {@code
 * errors_after_kill}.
 */
public final class OpenLoop {
  static final String USAGE =
      """
      usage: java -cp benchmarks.jar io.ballast.bench.load.OpenLoop --url URL --rate N --duration D [options]
        --url http://127.0.0.1:18080/   target (HTTP/1.1, keep-alive)
        --rate N              requests per second, fixed schedule
        --duration D          measured part (20s, 500ms, 2m)
        --warmup D            same rate before measuring, not recorded (0; use >= 5s: a cold JVM,
                              this one or the target's, stalls for a second or more at first)
        --connections N       keep-alive connections (64)
        --timeout D           no response this long after sending: error, connection closed (5s)
        --max-outstanding N   queued + in flight before new requests are dropped (rate x timeout, >= 1000)
        --dispatch idle|rr    idle: an idle connection if any, else the next in turn; rr: strictly in turn (idle)
        --header 'Name: v'    extra request header (repeatable)
        --timeline            print successes and errors per --step window (0.5s)
        --kill-pid PID        SIGKILL this process ...
        --kill-at D           ... this long after measurement starts (failover scenario)
        --label NAME          echoed in the RESULT line
      """;

  private enum Dispatch {
    IDLE,
    RR
  }

  private final String label;
  private final String host;
  private final int port;
  private final double rate;
  private final long warmupNs;
  private final long durationNs;
  private final long timeoutNs;
  private final int maxOutstanding;
  private final Dispatch dispatch;
  private final boolean timeline;
  private final long stepNs;
  private final long killPid;
  private final long killAtNs;
  private final ByteBuf request;

  private final Histogram latency = new Histogram(60_000_000L, 3); // µs
  private final Histogram lag = new Histogram(60_000_000L, 3); // µs, the generator's own lateness
  private final ArrayDeque<Conn> idle = new ArrayDeque<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private Conn[] conns;
  private EventLoop loop;
  private Bootstrap bootstrap;

  // Everything below is touched only on the event loop.
  private long start;
  private long measureStart;
  private long total;
  private long next;
  private int rr;
  private long outstanding;
  private boolean allDispatched;
  private boolean finished;
  private long ok;
  private long non2xx;
  private long resets;
  private long timeouts;
  private long dropped;
  private long badResponses;
  private long connectErrors;
  private long bytes;
  private long[] okWindows;
  private long[] errWindows;
  private long killedAt = -1;
  private long backlogAtStart = -1;

  private OpenLoop(Args a) {
    URI uri = URI.create(a.str("url", "http://127.0.0.1:18080/"));
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    this.label = a.str("label", "-");
    this.rate = a.decimal("rate", 0);
    this.durationNs = a.nanos("duration", "10s");
    this.warmupNs = a.nanos("warmup", "0");
    this.timeoutNs = a.nanos("timeout", "5s");
    this.dispatch = Dispatch.valueOf(a.str("dispatch", "idle").toUpperCase(Locale.ROOT));
    this.timeline = a.flag("timeline");
    this.stepNs = a.nanos("step", "500ms");
    this.killPid = a.longValue("kill-pid", -1);
    this.killAtNs = a.nanos("kill-at", null);
    long byRate = (long) Math.ceil(rate * timeoutNs / 1e9);
    this.maxOutstanding = a.integer("max-outstanding", (int) Math.max(1000, byRate));
    if (rate <= 0 || durationNs <= 0) {
      throw new IllegalArgumentException("--rate and --duration must be positive");
    }
    if (killPid > 0 && killAtNs < 0) {
      throw new IllegalArgumentException("--kill-pid needs --kill-at");
    }
    StringBuilder req = new StringBuilder();
    req.append("GET ").append(path).append(" HTTP/1.1\r\n");
    req.append("Host: ").append(host).append(':').append(port).append("\r\n");
    req.append("User-Agent: ballast-openloop\r\n");
    for (String h : a.all("header")) {
      req.append(h).append("\r\n");
    }
    req.append("\r\n");
    byte[] bytes = req.toString().getBytes(StandardCharsets.US_ASCII);
    this.request =
        Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
    int windows = (int) ((durationNs + timeoutNs) / stepNs) + 4;
    this.okWindows = new long[windows];
    this.errWindows = new long[windows];
    this.conns = new Conn[a.integer("connections", 64)];
  }

  /** Runs one measurement; see the class comment for options and output. */
  public static void main(String[] argv) throws Exception {
    OpenLoop ol;
    try {
      ol = new OpenLoop(Args.parse(argv, Set.of("timeline")));
    } catch (IllegalArgumentException e) {
      Args.die(USAGE, e.getMessage());
      return;
    }
    ol.run();
    System.exit(0);
  }

  private void run() throws Exception {
    EventLoopGroup group = Loops.group(1, "openloop");
    loop = group.next();
    bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(Loops.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000);
    for (int i = 0; i < conns.length; i++) {
      conns[i] = new Conn();
    }
    // Open every connection first, so the schedule does not start with a connect storm.
    CompletableFuture<Void> connected = new CompletableFuture<>();
    loop.execute(
        () -> {
          int[] pending = {conns.length};
          for (Conn c : conns) {
            c.connect()
                .addListener(
                    f -> {
                      if (--pending[0] == 0) {
                        connected.complete(null);
                      }
                    });
          }
        });
    try {
      connected.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      System.err.println("warning: not every connection opened within 10 s; starting anyway");
    }
    loop.execute(this::begin);
    done.get((warmupNs + durationNs + 2 * timeoutNs) / 1_000_000 + 30_000, TimeUnit.MILLISECONDS);
    report();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private void begin() {
    start = System.nanoTime() + 1_000_000;
    measureStart = start + warmupNs;
    total = (long) Math.floor((warmupNs + durationNs) * rate / 1e9);
    next = 0;
    if (killPid > 0) {
      loop.schedule(this::kill, measureStart + killAtNs - System.nanoTime(), TimeUnit.NANOSECONDS);
    }
    loop.scheduleAtFixedRate(this::checkTimeouts, 50, 50, TimeUnit.MILLISECONDS);
    loop.schedule(this::noteBacklog, measureStart - System.nanoTime(), TimeUnit.NANOSECONDS);
    long drainDeadline = start + warmupNs + durationNs + timeoutNs + 1_000_000_000L;
    loop.schedule(this::finish, drainDeadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    tick();
  }

  private long dueOf(long i) {
    return start + (long) (i * 1e9 / rate);
  }

  private void tick() {
    if (finished) {
      return;
    }
    long now = System.nanoTime();
    while (next < total) {
      long due = dueOf(next);
      if (due > now) {
        break;
      }
      if (due >= measureStart) {
        lag.recordValue(Math.min(60_000_000L, Math.max(0, (now - due) / 1000)));
      }
      dispatch(due, now);
      next++;
    }
    if (next < total) {
      loop.schedule(this::tick, dueOf(next) - System.nanoTime(), TimeUnit.NANOSECONDS);
    } else {
      allDispatched = true;
      checkDone();
    }
  }

  private void dispatch(long due, long now) {
    if (outstanding >= maxOutstanding) {
      if (due >= measureStart) {
        dropped++;
        window(errWindows, now);
      }
      return;
    }
    outstanding++;
    Conn c = pick();
    c.queue.add(due);
    if (c.canSend()) {
      c.sendNext();
    }
  }

  private Conn pick() {
    if (dispatch == Dispatch.IDLE) {
      Conn c;
      while ((c = idle.pollFirst()) != null) {
        c.inIdle = false;
        if (c.canSend() && c.queue.isEmpty()) {
          return c;
        }
      }
    }
    for (int tries = 0; tries < conns.length; tries++) {
      Conn c = conns[rr];
      rr = rr + 1 == conns.length ? 0 : rr + 1;
      if (c.channel != null && c.channel.isActive()) {
        return c;
      }
    }
    Conn c = conns[rr];
    rr = rr + 1 == conns.length ? 0 : rr + 1;
    return c;
  }

  private void window(long[] windows, long now) {
    if (now < measureStart) {
      return;
    }
    int w = (int) ((now - measureStart) / stepNs);
    if (w < windows.length) {
      windows[w]++;
    }
  }

  private void completed(long due, int status) {
    long now = System.nanoTime();
    outstanding--;
    if (due < measureStart) {
      return;
    }
    if (status >= 200 && status < 300) {
      ok++;
      latency.recordValue(Math.min(60_000_000L, Math.max(1, (now - due) / 1000)));
      window(okWindows, now);
    } else {
      if (status < 0) {
        badResponses++;
      } else {
        non2xx++;
      }
      window(errWindows, now);
    }
  }

  private void failed(long due, boolean timedOut) {
    outstanding--;
    if (due < measureStart) {
      return;
    }
    if (timedOut) {
      timeouts++;
    } else {
      resets++;
    }
    window(errWindows, System.nanoTime());
  }

  private void checkTimeouts() {
    if (finished) {
      return;
    }
    long now = System.nanoTime();
    for (Conn c : conns) {
      if (c.busy && now - c.sentAt > timeoutNs) {
        c.busy = false;
        failed(c.inflightDue, true);
        if (c.channel != null) {
          c.channel.close();
        }
      }
      while (!c.queue.isEmpty() && now - c.queue.peekFirst() > timeoutNs) {
        failed(c.queue.pollFirst(), true);
      }
    }
    checkDone();
  }

  private void checkDone() {
    if (allDispatched && outstanding == 0) {
      finish();
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    // Whatever is still queued or in flight at the deadline never got an answer.
    for (Conn c : conns) {
      if (c.busy) {
        c.busy = false;
        failed(c.inflightDue, true);
      }
      while (!c.queue.isEmpty()) {
        failed(c.queue.pollFirst(), true);
      }
      if (c.channel != null) {
        c.channel.close();
      }
    }
    done.complete(null);
  }

  /**
   * Requests from the warm-up still waiting for a connection when measurement starts: measured
   * requests queue behind them, so a backlog here means the warm-up was too short (a cold JVM, this
   * one or the target, needs several seconds).
   */
  private void noteBacklog() {
    long queued = 0;
    for (Conn c : conns) {
      queued += c.queue.size();
    }
    backlogAtStart = queued;
    if (queued > 0) {
      System.err.printf(
          "warning: %d requests still queued when measurement started; use a longer --warmup%n",
          queued);
    }
  }

  private void kill() {
    killedAt = System.nanoTime();
    ProcessHandle.of(killPid)
        .ifPresentOrElse(
            ProcessHandle::destroyForcibly,
            () -> System.err.println("warning: no process " + killPid + " to kill"));
    System.err.printf(
        "killed pid %d at %.2f s into the measurement%n", killPid, (killedAt - measureStart) / 1e9);
  }

  private void report() {
    double secs = durationNs / 1e9;
    long errors = non2xx + resets + timeouts + dropped + badResponses;
    StringBuilder r = new StringBuilder("RESULT");
    kv(r, "label", label);
    kv(r, "target_rate", fmt(rate, 1));
    kv(r, "rate", fmt(ok / secs, 1));
    kv(r, "ok", ok);
    kv(r, "errors", errors);
    kv(r, "non2xx", non2xx);
    kv(r, "resets", resets);
    kv(r, "timeouts", timeouts);
    kv(r, "dropped", dropped);
    kv(r, "bad", badResponses);
    kv(r, "connect_errors", connectErrors);
    kv(r, "mb_s", fmt(bytes / secs / 1e6, 2));
    kv(r, "p50", ms(latency.getValueAtPercentile(50)));
    kv(r, "p90", ms(latency.getValueAtPercentile(90)));
    kv(r, "p99", ms(latency.getValueAtPercentile(99)));
    kv(r, "p999", ms(latency.getValueAtPercentile(99.9)));
    kv(r, "max", ms(latency.getMaxValue()));
    kv(r, "lag_p99", ms(lag.getValueAtPercentile(99)));
    kv(r, "lag_max", ms(lag.getMaxValue()));
    kv(r, "backlog_at_start", backlogAtStart);
    int windows = (int) (durationNs / stepNs);
    if (timeline) {
      for (int w = 0; w < windows; w++) {
        System.out.printf(
            Locale.ROOT, "TIMELINE %.1f %d %d%n", w * stepNs / 1e9, okWindows[w], errWindows[w]);
      }
    }
    if (killPid > 0) {
      long killWindow = killAtNs / stepNs; // first window that may contain the kill's effect
      double preSum = 0;
      int preN = 0;
      long postMin = Long.MAX_VALUE;
      long errAfter = 0;
      for (int w = 0; w < windows; w++) {
        if (w < killWindow) {
          preSum += okWindows[w];
          preN++;
        } else {
          postMin = Math.min(postMin, okWindows[w]);
          errAfter += errWindows[w];
        }
      }
      double preMean = preN == 0 ? 0 : preSum / preN;
      double perSec = 1e9 / stepNs;
      kv(r, "kill_at", fmt(killAtNs / 1e9, 2));
      kv(r, "pre_rate", fmt(preMean * perSec, 1));
      kv(r, "min_window_rate", fmt(postMin == Long.MAX_VALUE ? 0 : postMin * perSec, 1));
      kv(r, "min_window_ratio", fmt(preMean == 0 ? 0 : postMin / preMean, 3));
      kv(r, "errors_after_kill", errAfter);
    }
    System.err.printf(
        Locale.ROOT,
        "%s: %.0f req/s due over %.1f s on %d connections (%s): %d ok (%.1f/s), %d errors"
            + " (non-2xx %d, resets %d, timeouts %d, dropped %d, bad %d; connect failures %d)%n"
            + "  latency from due time, ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s"
            + "   (generator lateness p99 %s, max %s)%n",
        label,
        rate,
        secs,
        conns.length,
        Loops.transport(),
        ok,
        ok / secs,
        errors,
        non2xx,
        resets,
        timeouts,
        dropped,
        badResponses,
        connectErrors,
        ms(latency.getValueAtPercentile(50)),
        ms(latency.getValueAtPercentile(90)),
        ms(latency.getValueAtPercentile(99)),
        ms(latency.getValueAtPercentile(99.9)),
        ms(latency.getMaxValue()),
        ms(lag.getValueAtPercentile(99)),
        ms(lag.getMaxValue()));
    System.out.println(r);
    System.out.flush();
  }

  private static void kv(StringBuilder sb, String k, Object v) {
    sb.append(' ').append(k).append('=').append(v);
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String ms(long micros) {
    return fmt(micros / 1000.0, 3);
  }

  /** One keep-alive connection with its queue of due times. */
  private final class Conn extends ChannelInboundHandlerAdapter {
    final LongQueue queue = new LongQueue();
    Channel channel;
    boolean busy;
    boolean closing;
    boolean inIdle;
    long inflightDue;
    long sentAt;
    int status;
    int backoffMs;

    ChannelFuture connect() {
      ChannelFuture f =
          bootstrap
              .clone()
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(new HttpResponseDecoder(), Conn.this);
                    }
                  })
              .connect(host, port);
      channel = f.channel();
      f.addListener(
          x -> {
            if (x.isSuccess()) {
              backoffMs = 0;
              closing = false;
              if (!queue.isEmpty()) {
                sendNext();
              } else {
                markIdle();
              }
            } else {
              connectErrors++;
              backoffMs = Math.min(100, Math.max(5, backoffMs * 2));
              if (!finished) {
                loop.schedule(this::connect, backoffMs, TimeUnit.MILLISECONDS);
              }
            }
          });
      return f;
    }

    @Override
    public boolean isSharable() {
      return true;
    }

    boolean canSend() {
      return channel != null && channel.isActive() && !busy && !closing;
    }

    void markIdle() {
      if (dispatch == Dispatch.IDLE && !inIdle) {
        inIdle = true;
        idle.addLast(this);
      }
    }

    void sendNext() {
      inflightDue = queue.pollFirst();
      busy = true;
      status = 0;
      sentAt = System.nanoTime();
      channel.writeAndFlush(request.duplicate(), channel.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        HttpObject obj = (HttpObject) msg;
        if (!busy) {
          return; // a late answer to a request already counted as timed out
        }
        if (obj.decoderResult().isFailure()) {
          busy = false;
          completed(inflightDue, -1);
          closing = true;
          ctx.close();
          return;
        }
        if (obj instanceof HttpResponse res) {
          status = res.status().code();
          if (res.headers()
              .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
            closing = true;
          }
        }
        if (obj instanceof HttpContent content) {
          bytes += content.content().readableBytes();
        }
        if (obj instanceof LastHttpContent) {
          busy = false;
          completed(inflightDue, status);
          if (closing) {
            ctx.close();
          } else if (!queue.isEmpty()) {
            sendNext();
          } else {
            markIdle();
          }
          checkDone();
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (busy) {
        busy = false;
        failed(inflightDue, false);
      }
      if (!finished) {
        connect();
      }
      checkDone();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // resets and the like: channelInactive counts the request
    }
  }

  /** A growable ring of {@code long}s, to queue due times without boxing. */
  private static final class LongQueue {
    private long[] items = new long[16];
    private int head;
    private int size;

    boolean isEmpty() {
      return size == 0;
    }

    int size() {
      return size;
    }

    void add(long v) {
      if (size == items.length) {
        long[] bigger = new long[items.length * 2];
        for (int i = 0; i < size; i++) {
          bigger[i] = items[(head + i) & (items.length - 1)];
        }
        items = bigger;
        head = 0;
      }
      items[(head + size) & (items.length - 1)] = v;
      size++;
    }

    long peekFirst() {
      return items[head];
    }

    long pollFirst() {
      long v = items[head];
      head = (head + 1) & (items.length - 1);
      size--;
      return v;
    }
  }
}

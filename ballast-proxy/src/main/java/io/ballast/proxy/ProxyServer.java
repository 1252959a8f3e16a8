package io.ballast.proxy;

import io.ballast.core.config.HostPort;
import io.ballast.core.config.HttpLimits;
import io.ballast.core.config.ListenerConfig;
import io.ballast.core.config.NodeConfig;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.PoolSnapshot;
import io.ballast.core.world.Snapshot;
import io.ballast.proxy.health.HealthCheckService;
import io.ballast.proxy.health.HealthProber;
import io.ballast.proxy.http.HttpProxyHandler;
import io.ballast.proxy.http.ListenerContext;
import io.ballast.proxy.http.codec.Http1Decoder;
import io.ballast.proxy.observe.TrafficObserver;
import io.ballast.proxy.transport.Transport;
import io.ballast.proxy.upstream.LoopResources;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane of one node: the event loops, the listeners bound on them, and the per-loop
 * upstream resources. It follows the control plane: each published snapshot may add or remove
 * listeners and retire the connection pools of removed backends.
 */
public final class ProxyServer implements AutoCloseable {
  /**
   * When a connection stops taking bytes from its peer: 256 KiB pending (resumes under 128 KiB).
   * Netty's 64 KiB default paused the backend read of nearly every 64 KiB response; this measured
   * 1.10x the throughput at 0.83x the CPU per response (docs/BENCHMARKS.md, "Write-buffer
   * watermarks"). Pending bytes stay bounded per connection.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 256 * 1024);

  /**
   * The largest single read from a backend. Netty's adaptive default stops at 64 KiB, so a 64 KiB
   * response took two reads and two writes to the client; with room for 256 KiB the proxy used 11 %
   * less CPU per 64 KiB response (docs/BENCHMARKS.md). The guess only grows while reads fill the
   * buffer, so small responses keep small buffers.
   */
  static final int UPSTREAM_MAX_READ = 256 * 1024;

  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final ControlPlane controlPlane;
  private final Transport transport;
  private final EventLoopGroup group;
  private final List<EventLoop> loops = new ArrayList<>();
  private final Map<EventLoop, LoopResources> loopResources;
  private final Map<String, BoundListener> bound =
      Collections.synchronizedMap(new LinkedHashMap<>());
  private volatile boolean stopped;
  private volatile TrafficObserver observer = TrafficObserver.NONE;
  private volatile HealthCheckService.CheckObserver checkObserver =
      HealthCheckService.CheckObserver.NONE;
  private HealthCheckService health;

  /**
   * Creates the data plane (event loops start now; listeners bind in {@link #start()}).
   *
   * @param controlPlane the source of snapshots; must already hold one
   * @param node process-wide settings (event loops, transport)
   */
  public ProxyServer(ControlPlane controlPlane, NodeConfig node) {
    this.controlPlane = Objects.requireNonNull(controlPlane);
    this.transport = Transport.select(node.transport());
    this.group = transport.newGroup(node.eventLoops(), "ballast-io", node.busyPolling());
    for (EventExecutor e : group) {
      loops.add((EventLoop) e);
    }
    Map<EventLoop, LoopResources> res = new IdentityHashMap<>();
    Bootstrap upstream =
        new Bootstrap()
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
            .option(
                ChannelOption.RECVBUF_ALLOCATOR,
                new AdaptiveRecvByteBufAllocator(64, 2048, UPSTREAM_MAX_READ));
    for (int i = 0; i < loops.size(); i++) {
      res.put(loops.get(i), new LoopResources(i, loops.size(), loops.get(i), upstream));
    }
    this.loopResources = Collections.unmodifiableMap(res);
  }

  /** Sets where traffic is reported (metrics, access log). Call before {@link #start}. */
  public void observer(TrafficObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer);
  }

  /** Sets where active health check results are reported (metrics). Call before {@link #start}. */
  public void checkObserver(HealthCheckService.CheckObserver observer) {
    this.checkObserver = java.util.Objects.requireNonNull(observer);
  }

  /** The transport in use ({@code epoll} or {@code nio}). */
  public String transportName() {
    return transport.name();
  }

  /** Number of event loops. */
  public int eventLoops() {
    return loops.size();
  }

  /**
   * Binds every listener of the current snapshot and starts following the control plane.
   *
   * @throws IllegalStateException naming the listener and address when a bind fails
   */
  public void start() {
    start(Map.of());
  }

  /**
   * Binds every listener, adopting listening sockets handed over by a previous node where their
   * listener name and port match (hitless restart); the rest are bound fresh and inherited sockets
   * nobody wants are closed.
   *
   * @param inherited file descriptors of listening sockets by listener name
   */
  public void start(Map<String, List<Integer>> inherited) {
    Snapshot s = controlPlane.current();
    if (s == null) {
      throw new IllegalStateException("the control plane has no config yet");
    }
    Map<String, List<Integer>> left = new LinkedHashMap<>(inherited);
    try {
      for (ListenerConfig lc : s.config().listeners()) {
        List<Integer> fds = left.remove(lc.name());
        if (fds != null && !fds.isEmpty() && !adopt(lc, fds)) {
          closeFds(fds);
          bind(lc);
        } else if (fds == null || fds.isEmpty()) {
          bind(lc);
        }
      }
      for (List<Integer> fds : left.values()) {
        closeFds(fds);
      }
    } catch (RuntimeException e) {
      closeListeners();
      throw e;
    }
    controlPlane.addListener(this::onSnapshot);
    health =
        new HealthCheckService(
            controlPlane, new HealthProber(transport.socketChannel()), loops, checkObserver);
    controlPlane.addListener(health);
    HealthCheckService h = health;
    controlPlane.execute(() -> h.published(null, controlPlane.current()));
  }

  /** The port a listener is bound to (useful when the config says port 0), or -1. */
  public int port(String listener) {
    BoundListener b = bound.get(listener);
    return b == null ? -1 : b.port;
  }

  /** The names of bound listeners. */
  public Set<String> listenerNames() {
    synchronized (bound) {
      return Set.copyOf(bound.keySet());
    }
  }

  /** Open client connections across listeners. */
  public int clientConnections() {
    int n = 0;
    synchronized (bound) {
      for (BoundListener b : bound.values()) {
        n += b.context.clients().size();
      }
    }
    return n;
  }

  /** Open client connections of one listener (0 if it is not bound). */
  public int clientConnections(String listener) {
    BoundListener b = bound.get(listener);
    return b == null ? 0 : b.context.clients().size();
  }

  private void onSnapshot(Snapshot previous, Snapshot next) {
    if (stopped) {
      return;
    }
    // Listeners: bind new ones, unbind removed or moved ones.
    Map<String, ListenerConfig> wanted = new LinkedHashMap<>();
    for (ListenerConfig lc : next.config().listeners()) {
      wanted.put(lc.name(), lc);
    }
    for (String name : listenerNames()) {
      ListenerConfig lc = wanted.get(name);
      BoundListener b = bound.get(name);
      if (lc == null
          || !lc.listen().equals(b.config.listen())
          || lc.protocol() != b.config.protocol()) {
        unbind(name);
      }
    }
    for (ListenerConfig lc : wanted.values()) {
      if (!bound.containsKey(lc.name())) {
        try {
          bind(lc);
        } catch (RuntimeException e) {
          log.error("{}", e.getMessage());
        }
      }
    }
    // Backends that left: close their idle upstream connections on every loop.
    if (previous != null) {
      Set<Backend> live = Collections.newSetFromMap(new IdentityHashMap<>());
      for (PoolSnapshot p : next.pools().values()) {
        for (Endpoint e : p.endpoints()) {
          live.add(e.backend());
        }
      }
      for (PoolSnapshot p : previous.pools().values()) {
        for (Endpoint e : p.endpoints()) {
          Backend b = e.backend();
          if (!live.contains(b)) {
            for (LoopResources r : loopResources.values()) {
              r.loop().execute(() -> r.retire(b));
            }
          }
        }
      }
    }
  }

  private void bind(ListenerConfig lc) {
    if (lc.protocol() != ListenerConfig.Protocol.HTTP) {
      throw new IllegalStateException(
          "listener '" + lc.name() + "': protocol " + lc.protocol() + " is not supported yet");
    }
    ChannelGroup clients = new DefaultChannelGroup(lc.name(), GlobalEventExecutor.INSTANCE);
    ListenerContext context =
        new ListenerContext(
            lc.name(), controlPlane, loopResources, clients, "http", observer.listener(lc.name()));
    AtomicInteger connections = new AtomicInteger();
    HostPort hp = lc.listen();
    InetSocketAddress address =
        hp.isWildcard()
            ? new InetSocketAddress(hp.port())
            : new InetSocketAddress(hp.host(), hp.port());
    List<Channel> channels = new ArrayList<>();
    int port = hp.port();
    // With SO_REUSEPORT each loop accepts on its own socket (the kernel spreads connections);
    // without it one socket's accepted connections are spread over the loops.
    List<EventLoop> acceptors = transport.reusePort() ? loops : List.of(loops.get(0));
    try {
      for (EventLoop acceptor : acceptors) {
        ServerBootstrap sb =
            new ServerBootstrap()
                .group(acceptor, transport.reusePort() ? acceptor : group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                // No TCP_NODELAY option here: Netty's socket channels set it when created, and
                // repeating it costs a setsockopt per accepted connection.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new HttpInitializer(lc, context, connections));
        transport.configure(sb);
        if (transport.reusePort()) {
          sb.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        InetSocketAddress at = new InetSocketAddress(address.getAddress(), port);
        Channel c = sb.bind(at).syncUninterruptibly().channel();
        channels.add(c);
        transport.tuneListener(c);
        port = ((InetSocketAddress) c.localAddress()).getPort();
      }
    } catch (Exception e) { // Netty rethrows the checked BindException as it is
      for (Channel c : channels) {
        c.close().syncUninterruptibly();
      }
      throw new IllegalStateException(
          "listener '" + lc.name() + "': cannot bind " + hp + ": " + e.getMessage(), e);
    }
    bound.put(lc.name(), new BoundListener(lc, context, channels, port));
    log.info(
        "listener '{}' ({}) on {}:{} via {} x{}",
        lc.name(),
        lc.protocol().name().toLowerCase(java.util.Locale.ROOT),
        hp.host(),
        port,
        transport.name(),
        channels.size());
  }

  /** Listening channels by listener name, for handing them to a successor. */
  public Map<String, List<Channel>> listeningChannels() {
    Map<String, List<Channel>> m = new LinkedHashMap<>();
    synchronized (bound) {
      for (Map.Entry<String, BoundListener> e : bound.entrySet()) {
        m.put(e.getKey(), List.copyOf(e.getValue().channels));
      }
    }
    return m;
  }

  /** Serves a listener on sockets inherited from a previous node; false if they don't fit. */
  private boolean adopt(ListenerConfig lc, List<Integer> fds) {
    if (!transport.name().equals("epoll")) {
      return false;
    }
    ChannelGroup clients = new DefaultChannelGroup(lc.name(), GlobalEventExecutor.INSTANCE);
    ListenerContext context =
        new ListenerContext(
            lc.name(), controlPlane, loopResources, clients, "http", observer.listener(lc.name()));
    AtomicInteger connections = new AtomicInteger();
    List<Channel> channels = new ArrayList<>();
    int port = -1;
    for (int i = 0; i < fds.size(); i++) {
      EventLoop loop = loops.get(i % loops.size());
      EpollServerSocketChannel adopted = new EpollServerSocketChannel(fds.get(i));
      InetSocketAddress local = adopted.localAddress();
      if (local == null || (lc.listen().port() != 0 && local.getPort() != lc.listen().port())) {
        for (Channel c : channels) {
          c.close().syncUninterruptibly();
        }
        return false;
      }
      port = local.getPort();
      ServerBootstrap sb =
          new ServerBootstrap()
              .group(loop, loop)
              .channelFactory(() -> adopted)
              .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
              .childHandler(new HttpInitializer(lc, context, connections));
      transport.configure(sb);
      Channel c = sb.register().syncUninterruptibly().channel();
      channels.add(c);
      transport.tuneListener(c);
    }
    bound.put(lc.name(), new BoundListener(lc, context, channels, port));
    log.info(
        "listener '{}' took over {} listening socket(s) on port {} from the previous node",
        lc.name(),
        channels.size(),
        port);
    return true;
  }

  private static void closeFds(List<Integer> fds) {
    for (int fd : fds) {
      try {
        new io.netty.channel.unix.FileDescriptor(fd).close();
      } catch (java.io.IOException e) {
        log.debug("closing inherited fd {}", fd, e);
      }
    }
  }

  private void unbind(String name) {
    BoundListener b = bound.remove(name);
    if (b == null) {
      return;
    }
    for (Channel c : b.channels) {
      c.close();
    }
    b.context.stop();
    for (Channel c : b.context.clients()) {
      HttpProxyHandler h = c.pipeline().get(HttpProxyHandler.class);
      if (h != null) {
        c.eventLoop().execute(h::closeWhenIdle);
      }
    }
    log.info("listener '{}' closed; its connections finish their current requests", name);
  }

  private void closeListeners() {
    for (String name : listenerNames()) {
      BoundListener b = bound.remove(name);
      for (Channel c : b.channels) {
        c.close().syncUninterruptibly();
      }
    }
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (keep-alive connections close
   * after their current response, idle ones at once), force-close what remains after {@code grace},
   * then stop the event loops.
   *
   * @return true if every connection finished within the grace period
   */
  public boolean shutdown(Duration grace) {
    if (stopped) {
      return true;
    }
    stopped = true;
    if (health != null) {
      health.close();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    List<BoundListener> all;
    synchronized (bound) {
      all = new ArrayList<>(bound.values());
    }
    for (BoundListener b : all) {
      for (Channel c : b.channels) {
        c.close().syncUninterruptibly();
      }
      b.context.stop();
      for (Channel c : b.context.clients()) {
        HttpProxyHandler h = c.pipeline().get(HttpProxyHandler.class);
        if (h != null) {
          c.eventLoop().execute(h::closeWhenIdle);
        }
      }
    }
    boolean clean = true;
    for (BoundListener b : all) {
      long left = deadline - System.nanoTime();
      if (!b.context
          .clients()
          .newCloseFuture()
          .awaitUninterruptibly(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        clean = false;
        log.warn(
            "listener '{}': {} connections still busy after the grace period; closing them",
            b.config.name(),
            b.context.clients().size());
        b.context.clients().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
    bound.clear();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    return clean;
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  private record BoundListener(
      ListenerConfig config, ListenerContext context, List<Channel> channels, int port) {}

  private static final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    private final ListenerConfig config;
    private final ListenerContext context;
    private final AtomicInteger connections;

    HttpInitializer(ListenerConfig config, ListenerContext context, AtomicInteger connections) {
      this.config = config;
      this.context = context;
      this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
      int max = config.maxConnections();
      if (max > 0 && connections.incrementAndGet() > max) {
        connections.decrementAndGet();
        ch.close();
        return;
      }
      if (max > 0) {
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
      }
      // Limits come from the live snapshot so a reload applies them to new connections.
      var view = context.controlPlane().current().listener(config.name());
      HttpLimits limits = view != null ? view.config().limits() : config.limits();
      Http1Decoder decoder =
          new Http1Decoder(
              Http1Decoder.Kind.REQUEST,
              limits.maxRequestLine(),
              limits.maxHeaderSize(),
              limits.maxHeaders(),
              limits.maxBody());
      ch.pipeline().addLast("decoder", decoder);
      ch.pipeline().addLast("proxy", new HttpProxyHandler(context, decoder));
    }
  }
}

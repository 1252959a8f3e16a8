package io.ballast.admin;

import io.ballast.admin.api.ApiContext;
import io.ballast.admin.api.ApiRoutes;
import io.ballast.admin.internal.AccessPolicy;
import io.ballast.admin.internal.AdminChannelHandler;
import io.ballast.admin.internal.PathPattern;
import io.ballast.admin.internal.Router;
import io.ballast.core.config.AdminConfig;
import io.ballast.core.config.HostPort;
import io.ballast.core.world.ControlPlane;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: the JSON admin API ({@code /api/v1/...}), {@code /healthz} and {@code
 * /readyz}, on its own single Netty event loop so admin traffic never shares the data plane's loops
 * (and a slow admin client never delays a proxied request).
 *
 * <p>Built with {@link #builder}; later parts add {@code /metrics}, the dashboard and event streams
 * through {@link Builder#route}. Requests are aggregated up to {@link Builder#maxRequestBytes} (413
 * beyond), routed by method and path pattern, checked against the token rules (see {@link Access})
 * and answered with JSON.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  /** Default request size limit: admin requests are small JSON documents. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

  private final AdminConfig config;
  private final Router router;
  private final AccessPolicy access;
  private final int maxRequestBytes;
  private final EventLoopGroup group;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile Channel server;

  private AdminServer(
      AdminConfig config,
      Router router,
      AccessPolicy access,
      int maxRequestBytes,
      EventLoopGroup group) {
    this.config = config;
    this.router = router;
    this.access = access;
    this.maxRequestBytes = maxRequestBytes;
    this.group = group;
  }

  /** A builder for an admin server on {@code config.listen()}. */
  public static Builder builder(AdminConfig config) {
    return new Builder(config);
  }

  /**
   * Binds the admin listener.
   *
   * @throws IllegalStateException naming the address when the bind fails
   */
  public AdminServer start() {
    HostPort hp = config.listen();
    InetSocketAddress at =
        hp.isWildcard()
            ? new InetSocketAddress(hp.port())
            : new InetSocketAddress(hp.host(), hp.port());
    try {
      server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      channels.add(ch);
                      ch.pipeline().addLast("codec", new HttpServerCodec(4096, 16 * 1024, 8192));
                      ch.pipeline()
                          .addLast(
                              "aggregator",
                              new io.ballast.admin.internal.JsonLimitAggregator(maxRequestBytes));
                      ch.pipeline().addLast("admin", new AdminChannelHandler(router, access));
                    }
                  })
              .bind(at)
              .syncUninterruptibly()
              .channel();
    } catch (Exception e) { // Netty rethrows the checked BindException as it is
      // The event loop stays: a caller may retry (a hitless takeover waits for the port), and
      // close() releases it.
      throw new IllegalStateException("admin API: cannot bind " + hp + ": " + e.getMessage(), e);
    }
    log.info(
        "admin API on http://{}:{}/ ({})",
        hp.host(),
        port(),
        access.hasToken() ? "token required for changes" : "no token: loopback clients only");
    return this;
  }

  /** Whether the admin listener is bound. */
  public boolean isRunning() {
    Channel s = server;
    return s != null && s.isOpen();
  }

  /** The bound port (the actual one when the config says 0), or -1 before {@link #start}. */
  public int port() {
    Channel s = server;
    return s == null ? -1 : ((InetSocketAddress) s.localAddress()).getPort();
  }

  /** {@code http://host:port}, for logs and tests. */
  public String baseUrl() {
    String host = config.listen().isWildcard() ? "127.0.0.1" : config.listen().host();
    return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
  }

  /** Every route, built-in and added, in matching order (the OpenAPI test checks them). */
  public List<Router.Route> routes() {
    return router.routes();
  }

  /** Stops accepting, closes admin connections, stops the admin event loop. Idempotent. */
  @Override
  public void close() {
    Channel s = server;
    if (s != null) {
      s.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  /** Builds an {@link AdminServer}. */
  public static final class Builder {
    private final AdminConfig config;
    private ControlPlane controlPlane;
    private RuntimeChanges changes;
    private DataPlaneView dataPlane = DataPlaneView.NONE;
    private BooleanSupplier ready = () -> true;
    private Supplier<CompletableFuture<ReloadResult>> reload =
        () ->
            CompletableFuture.completedFuture(
                ReloadResult.unavailable("this node cannot reload its config"));
    private Path configFile;
    private Supplier<String> restart =
        () -> {
          throw new IllegalStateException("this node cannot restart itself");
        };
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private final List<Router.Route> extra = new ArrayList<>();

    private Builder(AdminConfig config) {
      this.config = Objects.requireNonNull(config);
    }

    /** The control plane whose world the API shows (required). */
    public Builder controlPlane(ControlPlane controlPlane) {
      this.controlPlane = controlPlane;
      return this;
    }

    /** The writer that applies and records changes (required). */
    public Builder changes(RuntimeChanges changes) {
      this.changes = changes;
      return this;
    }

    /** Listener ports and client connections (default: none). */
    public Builder dataPlane(DataPlaneView dataPlane) {
      this.dataPlane = Objects.requireNonNull(dataPlane);
      return this;
    }

    /** Whether the node takes traffic: {@code /readyz} answers 503 while false. */
    public Builder readiness(BooleanSupplier ready) {
      this.ready = Objects.requireNonNull(ready);
      return this;
    }

    /** The node's hitless self-restart hook ({@code POST /api/v1/restart}). */
    public Builder restart(Supplier<String> restart) {
      this.restart = Objects.requireNonNull(restart);
      return this;
    }

    /** The node's reload hook ({@code POST /api/v1/config/reload}). */
    public Builder reload(Supplier<CompletableFuture<ReloadResult>> reload) {
      this.reload = Objects.requireNonNull(reload);
      return this;
    }

    /** The node's config file, shown by {@code /api/v1/status}; {@code null} for none. */
    public Builder configFile(Path configFile) {
      this.configFile = configFile;
      return this;
    }

    /** The largest request body accepted (413 beyond); 64 KiB by default. */
    public Builder maxRequestBytes(int maxRequestBytes) {
      if (maxRequestBytes < 1) {
        throw new IllegalArgumentException("maxRequestBytes must be positive");
      }
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /**
     * Adds a route: the extension point for {@code /metrics}, {@code /dashboard/{*file}}, event
     * streams. GET routes need what reads need ({@link Access#READ}), others what changes need.
     *
     * @param pathPattern literal segments, {@code {name}} for one segment, {@code {*name}} (last)
     *     for the rest of the path
     */
    public Builder route(HttpMethod method, String pathPattern, AdminHandler handler) {
      return route(
          method,
          pathPattern,
          method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)
              ? Access.READ
              : Access.WRITE,
          handler);
    }

    /** Adds a route with explicit access rules (e.g. {@link Access#OPEN} for a probe). */
    public Builder route(
        HttpMethod method, String pathPattern, Access access, AdminHandler handler) {
      extra.add(
          new Router.Route(
              Objects.requireNonNull(method),
              PathPattern.parse(pathPattern),
              Objects.requireNonNull(access),
              Objects.requireNonNull(handler)));
      return this;
    }

    /**
     * Builds the server (not yet bound): reads the token file and checks the security rules, so a
     * node can fail before it binds anything.
     *
     * @throws IllegalStateException when the token file is missing or empty, or the address is
     *     reachable from other machines without a token
     */
    public AdminServer build() {
      Objects.requireNonNull(controlPlane, "controlPlane");
      Objects.requireNonNull(changes, "changes");
      String token = config.tokenFile() == null ? null : readToken(config.tokenFile());
      boolean loopback = isLoopback(config.listen());
      if (token == null && !loopback) {
        throw new IllegalStateException(
            "admin API: "
                + config.listen()
                + " is reachable from other machines; set admin.token-file so the admin API"
                + " requires a token, or listen on 127.0.0.1");
      }
      EventLoopGroup group =
          new MultiThreadIoEventLoopGroup(
              1, new DefaultThreadFactory("ballast-admin", true), NioIoHandler.newFactory());
      Router router = new Router();
      ApiContext ctx =
          new ApiContext(
              controlPlane,
              changes,
              dataPlane,
              ready,
              reload,
              restart,
              configFile,
              group.next(),
              System.nanoTime(),
              token != null);
      ApiRoutes.register(
          ctx,
          (method, pattern, access, handler) ->
              router.add(new Router.Route(method, PathPattern.parse(pattern), access, handler)));
      for (Router.Route r : extra) {
        router.add(r);
      }
      return new AdminServer(
          config, router, new AccessPolicy(token, loopback), maxRequestBytes, group);
    }
  }

  /**
   * Reads a bearer token file: the whole file, trailing newline and spaces stripped.
   *
   * @throws IllegalStateException with a clear reason when it is missing, unreadable or empty
   */
  public static String readToken(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "admin.token-file "
              + file
              + ": no such file (create it with a random token, e.g."
              + " 'head -c 32 /dev/urandom | base64 > "
              + file
              + "')",
          e);
    } catch (IOException e) {
      throw new IllegalStateException(
          "admin.token-file " + file + ": cannot read it: " + e.getMessage(), e);
    }
    String token = text.strip();
    if (token.isEmpty()) {
      throw new IllegalStateException("admin.token-file " + file + ": the file is empty");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new IllegalStateException(
            "admin.token-file " + file + ": the token must be one line without spaces");
      }
    }
    warnIfOthersCanRead(file);
    return token;
  }

  private static void warnIfOthersCanRead(Path file) {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      if (perms.contains(PosixFilePermission.OTHERS_READ)) {
        log.warn("admin.token-file {} is readable by every user; chmod 600 it", file);
      }
    } catch (IOException e) {
      // Only a hint; the token was read.
    }
  }

  /** Whether an address is loopback only (127.x, ::1, localhost). */
  static boolean isLoopback(HostPort hp) {
    if (hp.isWildcard()) {
      return false;
    }
    String h = hp.host();
    if (h.equals("localhost") || h.startsWith("127.") || h.equals("::1")) {
      return true;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}

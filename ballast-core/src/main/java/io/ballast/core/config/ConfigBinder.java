package io.ballast.core.config;

import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.balance.BalancerSpec;
import io.ballast.core.balance.HashOn;
import io.ballast.core.config.ActiveCheckConfig.CheckType;
import io.ballast.core.config.HealthConfig.InitState;
import io.ballast.core.config.ListenerConfig.Protocol;
import io.ballast.core.config.NodeConfig.Transport;
import io.ballast.core.model.AdminState;
import io.ballast.core.util.EditDistance;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Binds the parsed YAML to the config records, one small method per section, then checks what spans
 * sections: unique names and addresses, pool references, the admin address.
 *
 * <p>Every method reads its keys through {@link YamlOptionReader}, which records problems and
 * returns defaults so binding always runs to the end; a section's {@code finish()} reports the keys
 * nobody read. To support a new key, read it in its section's method; to support a new section, add
 * a method and call it from its parent.
 */
final class ConfigBinder {
  /** Names of listeners, pools, backends and nodes. */
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  static final String DEFAULT_ALGORITHM = "round-robin";

  private static final List<String> LOG_LEVELS =
      List.of("error", "warn", "info", "debug", "trace", "off");

  /** An HTTP method: an RFC 9110 token, upper case by convention. */
  private static final Pattern HTTP_METHOD = Pattern.compile("[A-Z][A-Z0-9_.!#$%&'*+^`|~-]*");

  private static final Pattern HOST_PATTERN =
      Pattern.compile(
          "(\\*\\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");

  private final Diagnostics diag;
  private final BalancerRegistry registry;
  private final Path baseDir;
  private final Supplier<String> hostName;

  /** Every place that names a pool, checked once all pools are known. */
  private final List<PoolRef> poolRefs = new ArrayList<>();

  private record PoolRef(String pool, YamlOptionReader reader) {}

  /** A bound value with the reader it came from, for errors that need its lines later. */
  private record Bound<T>(T value, YamlOptionReader reader) {}

  /**
   * @param baseDir the config file's directory, against which relative file names resolve; {@code
   *     null} to keep them as written
   * @param hostName the default node name, asked only when the config names none
   */
  ConfigBinder(
      Diagnostics diag, BalancerRegistry registry, Path baseDir, Supplier<String> hostName) {
    this.diag = diag;
    this.registry = registry;
    this.baseDir = baseDir;
    this.hostName = hostName;
  }

  /** Binds the whole document; {@code null} when any error was found. */
  BallastConfig bind(YamlOptionReader root, Path source) {
    NodeConfig node = node(root.map("node"));
    YamlOptionReader adminReader = root.map("admin");
    AdminConfig admin = admin(adminReader);
    LoggingConfig logging = logging(root.map("logging"));
    List<Bound<ListenerConfig>> listeners = section(root, "listeners", "listener", this::listener);
    List<Bound<PoolConfig>> pools = section(root, "pools", "pool", this::pool);
    root.finish();

    checkUnique(listeners, "name", ListenerConfig::name, "listener name");
    checkUnique(pools, "name", PoolConfig::name, "pool name");
    checkListenAddresses(listeners, admin, adminReader);
    checkPoolReferences(pools);
    if (diag.hasErrors()) {
      return null;
    }
    return new BallastConfig(
        source,
        node,
        admin,
        logging,
        listeners.stream().map(Bound::value).toList(),
        pools.stream().map(Bound::value).toList());
  }

  // ---- sections ----

  private NodeConfig node(YamlOptionReader r) {
    NodeConfig d = NodeConfig.defaults("");
    String name = r.has("name") ? name(r, "name") : hostName.get();
    int eventLoops = r.integer("event-loops", d.eventLoops(), 0, 4096);
    Transport transport = r.choice("transport", Transport.class, d.transport());
    Duration shutdownGrace = r.duration("shutdown-grace", d.shutdownGrace());
    boolean busyPolling = r.bool("busy-polling", d.busyPolling());
    r.finish();
    return new NodeConfig(name, eventLoops, transport, shutdownGrace, busyPolling);
  }

  private AdminConfig admin(YamlOptionReader r) {
    AdminConfig d = AdminConfig.defaults();
    boolean enabled = r.bool("enabled", d.enabled());
    HostPort listen = r.address("listen").orElse(d.listen());
    Path tokenFile = d.tokenFile();
    Optional<String> token = r.string("token-file");
    if (token.isPresent()) {
      tokenFile = file(r, "token-file", token.get());
    }
    if (enabled && tokenFile == null && r.has("listen") && !isLoopback(listen)) {
      r.error(
          "listen",
          listen
              + " is reachable from other machines; set admin.token-file so the admin API"
              + " requires a token, or listen on 127.0.0.1");
    }
    r.finish();
    return new AdminConfig(enabled, listen, tokenFile);
  }

  private LoggingConfig logging(YamlOptionReader r) {
    LoggingConfig d = LoggingConfig.defaults();
    String level = logLevel(r, "level", d.level());
    Map<String, String> levels = new LinkedHashMap<>(d.levels());
    YamlOptionReader lr = r.map("levels");
    for (String logger : lr.keys()) {
      if (lr.has(logger)) {
        levels.put(logger, logLevel(lr, logger, level));
      } else {
        lr.error(logger, "needs a level: " + String.join(", ", LOG_LEVELS));
      }
    }
    lr.finish();
    r.finish();
    return new LoggingConfig(level, levels);
  }

  private ListenerConfig listener(YamlOptionReader r) {
    String name = name(r, "name");
    HostPort listen = requiredAddress(r, "listen");
    Protocol protocol = r.choice("protocol", Protocol.class, Protocol.HTTP);
    String pool = poolRef(r);
    List<RouteConfig> routes = new ArrayList<>();
    for (YamlOptionReader rr : r.mappings("routes")) {
      routes.add(route(rr));
    }
    if (protocol == Protocol.TCP && r.has("routes") && !r.isEmptyList("routes")) {
      r.error("routes", "routes need protocol: http (a tcp listener cannot see hosts or paths)");
    }
    boolean http = protocol == Protocol.HTTP;
    if (!http) {
      // The shape is final (TCP balancing is planned); say now what `run` will say.
      r.warn("protocol", "tcp listeners are not served by this version yet: `run` refuses them");
      for (String httpOnly : List.of("forwarded", "limits")) {
        if (r.has(httpOnly)) {
          r.warn(httpOnly, "has no effect on a tcp listener");
        }
      }
    }
    ForwardedConfig forwarded = forwarded(r.map("forwarded"));
    HttpLimits limits = limits(r.map("limits"));
    ListenerTimeouts timeouts = listenerTimeouts(r.map("timeouts"), http);
    int maxConnections = r.integer("max-connections", 0, 0, Integer.MAX_VALUE);
    AccessLogConfig accessLog = accessLog(r, http);
    r.finish();
    return new ListenerConfig(
        name,
        listen,
        protocol,
        pool,
        routes,
        forwarded,
        limits,
        timeouts,
        maxConnections,
        accessLog);
  }

  /**
   * {@code access-log: json} (a format alone, to stdout) or {@code access-log: { format, to, buffer
   * }}; a mapping without a format means {@code json}.
   */
  private AccessLogConfig accessLog(YamlOptionReader parent, boolean http) {
    String key = "access-log";
    if (!parent.has(key)) {
      return AccessLogConfig.OFF;
    }
    if (!http) {
      parent.warn(key, "has no effect on a tcp listener (it logs HTTP requests)");
    }
    if (!parent.isMapping(key)) {
      AccessLogConfig.Format format =
          parent.choice(key, AccessLogConfig.Format.class, AccessLogConfig.Format.OFF);
      return new AccessLogConfig(format, null, AccessLogConfig.DEFAULT_BUFFER);
    }
    YamlOptionReader r = parent.map(key);
    AccessLogConfig.Format format =
        r.choice("format", AccessLogConfig.Format.class, AccessLogConfig.Format.JSON);
    Path file = null;
    Optional<String> to = r.string("to");
    if (to.isPresent() && !to.get().trim().equals("stdout")) {
      file = file(r, "to", to.get());
    }
    int buffer = r.integer("buffer", AccessLogConfig.DEFAULT_BUFFER, 16, 1_000_000);
    r.finish();
    return new AccessLogConfig(format, file, buffer);
  }

  private RouteConfig route(YamlOptionReader r) {
    boolean hasMatch = r.has("match");
    if (!hasMatch) {
      r.error("match", "is required (a host, a path-prefix or both)");
    }
    boolean matchIsMapping = r.isMapping("match");
    YamlOptionReader m = r.map("match");
    String host = m.string("host").map(h -> routeHost(m, h)).orElse(null);
    String pathPrefix = m.string("path-prefix").map(p -> pathPrefix(m, p)).orElse(null);
    if (matchIsMapping && !m.has("host") && !m.has("path-prefix")) {
      m.error("needs a host, a path-prefix or both");
    }
    m.finish();
    String pool = poolRef(r);
    r.finish();
    return new RouteConfig(new RouteMatch(host, pathPrefix), pool);
  }

  private ForwardedConfig forwarded(YamlOptionReader r) {
    ForwardedConfig d = ForwardedConfig.defaults();
    ForwardedConfig c =
        new ForwardedConfig(
            r.bool("x-forwarded-for", d.xForwardedFor()),
            r.bool("x-forwarded-proto", d.xForwardedProto()),
            r.bool("x-forwarded-host", d.xForwardedHost()),
            r.bool("forwarded", d.forwarded()),
            r.bool("trust-incoming", d.trustIncoming()));
    r.finish();
    return c;
  }

  private HttpLimits limits(YamlOptionReader r) {
    HttpLimits d = HttpLimits.defaults();
    HttpLimits c =
        new HttpLimits(
            (int) r.size("max-request-line", d.maxRequestLine(), 64, 1L << 20),
            (int) r.size("max-header-size", d.maxHeaderSize(), 1L << 10, 16L << 20),
            r.integer("max-headers", d.maxHeaders(), 1, 10_000),
            r.size("max-body", d.maxBody(), 0, Long.MAX_VALUE));
    r.finish();
    return c;
  }

  private ListenerTimeouts listenerTimeouts(YamlOptionReader r, boolean http) {
    ListenerTimeouts d = ListenerTimeouts.defaults();
    if (!http) {
      for (String httpOnly : List.of("client-header", "client-body")) {
        if (r.has(httpOnly)) {
          r.warn(httpOnly, "has no effect on a tcp listener");
        }
      }
    }
    ListenerTimeouts c =
        new ListenerTimeouts(
            r.duration("client-header", d.clientHeader()),
            r.duration("idle", d.idle()),
            r.duration("client-body", d.clientBody()));
    r.finish();
    return c;
  }

  private PoolConfig pool(YamlOptionReader r) {
    String name = name(r, "name");
    String algorithm = r.string("algorithm", DEFAULT_ALGORITHM).trim();
    BalancerSpec balancer = balancer(r, algorithm);
    HashOn hashOn = hashOn(r);
    SlowStartConfig slowStart = slowStart(r);
    PersistenceConfig persistence = persistence(r);
    PoolTimeouts timeouts = poolTimeouts(r.map("timeouts"));
    ConnectionPoolConfig connectionPool = connectionPool(r.map("connection-pool"));
    HealthConfig health = health(r);
    RetryConfig retries = retries(r.map("retries"));
    PoolLimits limits = poolLimits(r.map("limits"));
    List<BackendConfig> backends = backends(r, name);
    r.finish();
    return new PoolConfig(
        name,
        algorithm,
        balancer,
        hashOn,
        slowStart,
        persistence,
        backends,
        timeouts,
        connectionPool,
        health,
        retries,
        limits);
  }

  /**
   * {@code persistence: { type: cookie | app-cookie | source-ip | none, ... }}; each type reads
   * only its own keys, so a key that belongs to another type is reported as unknown.
   */
  private PersistenceConfig persistence(YamlOptionReader parent) {
    if (!parent.has("persistence")) {
      return PersistenceConfig.NONE;
    }
    YamlOptionReader r = parent.map("persistence");
    PersistenceConfig none = PersistenceConfig.NONE;
    if (!r.has("type")) {
      r.error("type", "is required (cookie, app-cookie, source-ip or none)");
    }
    PersistenceConfig.Type type = r.choice("type", PersistenceConfig.Type.class, none.type());
    PersistenceConfig result =
        switch (type) {
          case NONE -> none;
          case COOKIE -> {
            String name = r.string("name", "BALLAST").trim();
            if (!validCookieName(name)) {
              r.error("name", "'" + name + "' is not a valid cookie name");
            }
            Duration ttl = r.duration("ttl", Duration.ZERO);
            boolean secure = r.bool("secure", false);
            boolean httpOnly = r.bool("http-only", true);
            String sameSite = r.string("same-site", "lax").trim().toLowerCase(Locale.ROOT);
            if (!List.of("lax", "strict", "none", "off").contains(sameSite)) {
              r.error("same-site", "'" + sameSite + "' is not one of: lax, strict, none, off");
            }
            if (sameSite.equals("none") && !secure) {
              r.error(
                  "same-site",
                  "SameSite=None requires secure: true (browsers reject it otherwise)");
            }
            String domain = r.string("domain").map(String::trim).orElse(null);
            String path = r.string("path", "/").trim();
            if (!path.startsWith("/")) {
              r.error("path", "'" + path + "' must start with '/'");
            }
            Path secretFile =
                r.string("secret-file").map(f -> file(r, "secret-file", f)).orElse(null);
            yield new PersistenceConfig(
                type,
                name,
                ttl,
                secure,
                httpOnly,
                sameSite.equals("off") ? null : sameSite,
                domain,
                path,
                secretFile,
                0,
                PersistenceConfig.SourceMode.TABLE);
          }
          case APP_COOKIE -> {
            String name = r.requiredString("name").trim();
            if (!name.isEmpty() && !validCookieName(name)) {
              r.error("name", "'" + name + "' is not a valid cookie name");
            }
            Duration ttl = r.duration("ttl", Duration.ofMinutes(30));
            int max = r.integer("max-entries", 100_000, 1, 100_000_000);
            yield new PersistenceConfig(
                type,
                name,
                ttl,
                false,
                true,
                null,
                null,
                "/",
                null,
                max,
                PersistenceConfig.SourceMode.TABLE);
          }
          case SOURCE_IP -> {
            PersistenceConfig.SourceMode mode =
                r.choice(
                    "mode", PersistenceConfig.SourceMode.class, PersistenceConfig.SourceMode.TABLE);
            Duration ttl =
                mode == PersistenceConfig.SourceMode.TABLE
                    ? r.duration("ttl", Duration.ofMinutes(30))
                    : Duration.ZERO;
            int max =
                mode == PersistenceConfig.SourceMode.TABLE
                    ? r.integer("max-entries", 1_000_000, 1, 100_000_000)
                    : 0;
            yield new PersistenceConfig(
                type, null, ttl, false, true, null, null, "/", null, max, mode);
          }
        };
    r.finish();
    return result;
  }

  /** RFC 6265 cookie-name: a token. */
  private static boolean validCookieName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** Looks the algorithm up and lets it read its own {@code algorithm-options:}. */
  private BalancerSpec balancer(YamlOptionReader r, String algorithm) {
    YamlOptionReader options = r.map("algorithm-options");
    BalancerFactory factory = registry.get(algorithm);
    if (factory == null) {
      List<String> names = List.copyOf(registry.all().keySet());
      r.error(
          "algorithm", YamlOptionReader.unknownValue("algorithm", algorithm, names, "available"));
      return null;
    }
    Object parsed = null;
    try {
      parsed = factory.parseOptions(options);
    } catch (RuntimeException e) {
      // A plug-in bug must not hide the rest of the file's errors.
      r.error("algorithm-options", "algorithm '" + algorithm + "' failed: " + e);
    }
    options.finish();
    return new BalancerSpec(factory, parsed);
  }

  private HashOn hashOn(YamlOptionReader r) {
    Optional<String> text = r.string("hash-on");
    if (text.isEmpty()) {
      return HashOn.SOURCE_IP;
    }
    try {
      return HashOn.parse(text.get());
    } catch (IllegalArgumentException e) {
      r.error("hash-on", e.getMessage());
      return HashOn.SOURCE_IP;
    }
  }

  /** {@code slow-start: 30s} or {@code slow-start: { window: 30s, aggression: 1.5, ... }}. */
  private SlowStartConfig slowStart(YamlOptionReader r) {
    SlowStartConfig off = SlowStartConfig.OFF;
    if (!r.isMapping("slow-start")) {
      Duration window = r.duration("slow-start", off.window());
      return window.isZero() ? off : new SlowStartConfig(window, off.aggression(), off.minWeight());
    }
    YamlOptionReader s = r.map("slow-start");
    if (!s.has("window")) {
      s.error("window", "is required (such as 30s)");
    }
    Duration window = s.duration("window", off.window());
    double aggression = s.number("aggression", off.aggression(), -Double.MAX_VALUE, 1000);
    if (aggression <= 0) {
      s.error("aggression", "must be greater than 0 (1 ramps linearly)");
      aggression = off.aggression();
    }
    double minWeight = s.percent("min-weight", off.minWeight(), 0, 1);
    s.finish();
    return window.isZero() ? off : new SlowStartConfig(window, aggression, minWeight);
  }

  private PoolTimeouts poolTimeouts(YamlOptionReader r) {
    PoolTimeouts d = PoolTimeouts.defaults();
    PoolTimeouts c =
        new PoolTimeouts(
            r.duration("connect", d.connect()),
            r.duration("response", d.response()),
            r.duration("idle", d.idle()));
    r.finish();
    return c;
  }

  private ConnectionPoolConfig connectionPool(YamlOptionReader r) {
    ConnectionPoolConfig d = ConnectionPoolConfig.defaults();
    ConnectionPoolConfig c =
        new ConnectionPoolConfig(
            r.integer("max-idle-per-backend", d.maxIdlePerBackend(), 0, 100_000),
            r.duration("idle-timeout", d.idleTimeout()));
    r.finish();
    return c;
  }

  // ---- health, retries, limits ----

  private HealthConfig health(YamlOptionReader pool) {
    HealthConfig d = HealthConfig.defaults();
    YamlOptionReader r = pool.map("health");
    ActiveCheckConfig active = null;
    boolean hasActive = r.has("active");
    if (hasActive && r.isMapping("active")) {
      active = activeCheck(r.map("active"));
    } else if (hasActive) {
      r.map("active"); // reports "expected a mapping"
    }
    PassiveHealthConfig passive = passive(r.map("passive"));
    double panicThreshold = r.percent("panic-threshold", d.panicThreshold(), 0, 1);
    InitState initState = r.choice("init-state", InitState.class, d.initState());
    if (initState == InitState.DOWN && !hasActive) {
      r.error(
          "init-state",
          "down needs active checks (set health.active; nothing else would bring the backends up)");
      initState = d.initState();
    }
    if (initState == InitState.DOWN && active == null) {
      initState = d.initState(); // active checks had errors, already reported
    }
    r.finish();
    return new HealthConfig(active, passive, panicThreshold, initState);
  }

  /** {@code health.active}; {@code null} when it has an error that leaves no usable check. */
  private ActiveCheckConfig activeCheck(YamlOptionReader r) {
    if (!r.has("type")) {
      r.error("type", "is required (http, tcp, tcp-expect or agent)");
    }
    CheckType type = r.choice("type", CheckType.class, null);
    String typeName = type == null ? "" : YamlOptionReader.choiceName(type);

    Duration interval = positive(r, "interval", ActiveCheckConfig.DEFAULT_INTERVAL);
    Duration fastInterval =
        positive(r, "fast-interval", ActiveCheckConfig.defaultFastInterval(interval));
    Duration downInterval = positive(r, "down-interval", interval);
    double jitter = r.percent("jitter", ActiveCheckConfig.DEFAULT_JITTER, 0, 0.5);
    Duration timeout = positive(r, "timeout", ActiveCheckConfig.DEFAULT_TIMEOUT);
    int rise = r.integer("rise", ActiveCheckConfig.DEFAULT_RISE, 1, 100);
    int fall = r.integer("fall", ActiveCheckConfig.DEFAULT_FALL, 1, 100);
    int port = r.integer("port", 0, 1, 65535);

    // Keys of one check type mean nothing to another: warn, as for http settings on tcp listeners.
    for (String key : List.of("method", "path", "host", "expect-status", "expect-body")) {
      onlyFor(r, key, type, CheckType.HTTP, typeName);
    }
    for (String key : List.of("send", "expect")) {
      onlyFor(r, key, type, CheckType.TCP_EXPECT, typeName);
    }

    HttpCheckConfig http = type == CheckType.HTTP ? httpCheck(r) : null;
    TcpExpectConfig tcpExpect = null;
    if (type == CheckType.TCP_EXPECT) {
      Payload send = payload(r, "send");
      ReplyMatcher expect = null;
      if (!r.has("expect")) {
        r.error(
            "expect",
            "is required with type: tcp-expect (a substring such as +PONG, or regex:PATTERN)");
      } else {
        try {
          expect = ReplyMatcher.parse(r.string("expect", ""));
        } catch (IllegalArgumentException e) {
          r.error("expect", e.getMessage());
        }
      }
      tcpExpect = expect == null ? null : new TcpExpectConfig(send, expect);
    }
    AgentCheckConfig agent = agentCheck(r, type, interval);
    r.finish();
    if (type == null
        || (type == CheckType.TCP_EXPECT && tcpExpect == null)
        || (type == CheckType.AGENT && agent == null)) {
      return null;
    }
    return new ActiveCheckConfig(
        type,
        interval,
        fastInterval,
        downInterval,
        jitter,
        timeout,
        rise,
        fall,
        port,
        http,
        tcpExpect,
        agent);
  }

  private static HttpCheckConfig httpCheck(YamlOptionReader r) {
    HttpCheckConfig d = HttpCheckConfig.defaults();
    String method = d.method();
    Optional<String> m = r.string("method");
    if (m.isPresent()) {
      String text = m.get().trim();
      if (HTTP_METHOD.matcher(text).matches()) {
        method = text;
      } else if (HTTP_METHOD.matcher(text.toUpperCase(Locale.ROOT)).matches()) {
        r.error(
            "method",
            "'"
                + text
                + "' is not an HTTP method; methods are case-sensitive (did you mean '"
                + text.toUpperCase(Locale.ROOT)
                + "'?)");
      } else {
        r.error("method", "'" + text + "' is not an HTTP method (such as GET or HEAD)");
      }
    }
    String path = d.path();
    Optional<String> p = r.string("path");
    if (p.isPresent()) {
      String text = p.get();
      if (!text.startsWith("/")) {
        r.error("path", "'" + text + "' must start with '/'");
      } else if (text.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        r.error("path", "'" + text + "' must not contain spaces or control characters");
      } else {
        path = text;
      }
    }
    String host = null;
    Optional<String> h = r.string("host");
    if (h.isPresent()) {
      String text = h.get().trim();
      if (text.isEmpty() || text.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        r.error("host", "'" + h.get() + "' is not a Host header value (such as api.example.com)");
      } else {
        host = text;
      }
    }
    StatusSet expectStatus = statuses(r, "expect-status", d.expectStatus(), false);
    String expectBody = null;
    Optional<String> b = r.string("expect-body");
    if (b.isPresent()) {
      if (b.get().isEmpty()) {
        r.error("expect-body", "must not be empty (leave it out to skip the body check)");
      } else if (method.equals("HEAD")) {
        r.error("expect-body", "a response to HEAD has no body; use method: GET");
      } else {
        expectBody = b.get();
      }
    }
    return new HttpCheckConfig(method, path, host, expectStatus, expectBody);
  }

  /**
   * The agent settings: required with {@code type: agent}, optional beside the other types; {@code
   * null} when there is no (usable) agent.
   */
  private static AgentCheckConfig agentCheck(
      YamlOptionReader r, CheckType type, Duration interval) {
    boolean isAgent = type == CheckType.AGENT;
    boolean hasPort = r.has("agent-port");
    if (isAgent && !hasPort) {
      r.error("agent-port", "is required with type: agent (the port the agent listens on)");
    }
    int port = r.integer("agent-port", 0, 1, 65535);
    if (isAgent && r.has("agent-interval")) {
      r.warn("agent-interval", "has no effect with type: agent (the check's intervals apply)");
    } else if (!isAgent && type != null && !hasPort) {
      for (String key : List.of("agent-interval", "agent-send")) {
        if (r.has(key)) {
          r.warn(key, "has no effect without agent-port");
        }
      }
    }
    Duration agentInterval = positive(r, "agent-interval", interval);
    Payload send = payload(r, "agent-send");
    return port == 0 ? null : new AgentCheckConfig(port, agentInterval, send);
  }

  private static void onlyFor(
      YamlOptionReader r, String key, CheckType type, CheckType owner, String typeName) {
    // has() marks the key known even when the type is unknown, so only the type is reported.
    if (r.has(key) && type != null && type != owner) {
      r.warn(
          key,
          "has no effect with type: "
              + typeName
              + " (it applies to type: "
              + YamlOptionReader.choiceName(owner)
              + ")");
    }
  }

  private PassiveHealthConfig passive(YamlOptionReader r) {
    PassiveHealthConfig d = PassiveHealthConfig.defaults();
    int consecutiveErrors = r.integer("consecutive-errors", d.consecutiveErrors(), 0, 1000);
    int consecutiveGatewayErrors =
        r.integer("consecutive-gateway-errors", d.consecutiveGatewayErrors(), 0, 1000);
    StatusSet errorStatuses = statuses(r, "error-statuses", d.errorStatuses(), true);
    Duration interval = positive(r, "interval", d.interval());
    Duration ejection = positive(r, "ejection", d.ejection());
    Duration maxEjection;
    if (r.has("max-ejection")) {
      maxEjection = positive(r, "max-ejection", d.maxEjection());
      if (maxEjection.compareTo(ejection) < 0) {
        r.error(
            "max-ejection",
            Durations.format(maxEjection)
                + " is shorter than ejection ("
                + Durations.format(ejection)
                + ")");
        maxEjection = ejection;
      }
    } else {
      // A long base ejection raises the default cap rather than contradict it.
      maxEjection = ejection.compareTo(d.maxEjection()) > 0 ? ejection : d.maxEjection();
    }
    double maxEjected = r.percent("max-ejected", d.maxEjected(), 0, 1);
    SuccessRateConfig successRate = null;
    if (r.has("success-rate")) {
      YamlOptionReader s = r.map("success-rate");
      SuccessRateConfig sd = SuccessRateConfig.defaults();
      int minimumHosts = s.integer("minimum-hosts", sd.minimumHosts(), 1, 100_000);
      int requestVolume = s.integer("request-volume", sd.requestVolume(), 1, Integer.MAX_VALUE);
      double stdevFactor = s.number("stdev-factor", sd.stdevFactor(), -Double.MAX_VALUE, 100);
      if (stdevFactor <= 0) {
        s.error("stdev-factor", "must be greater than 0 (1.9 ejects clear outliers only)");
        stdevFactor = sd.stdevFactor();
      }
      s.finish();
      successRate = new SuccessRateConfig(minimumHosts, requestVolume, stdevFactor);
    }
    FailurePercentageConfig failurePercentage = null;
    if (r.has("failure-percentage")) {
      YamlOptionReader f = r.map("failure-percentage");
      FailurePercentageConfig fd = FailurePercentageConfig.defaults();
      double threshold = f.percent("threshold", fd.threshold(), 0.01, 1);
      int minimumHosts = f.integer("minimum-hosts", fd.minimumHosts(), 1, 100_000);
      int requestVolume = f.integer("request-volume", fd.requestVolume(), 1, Integer.MAX_VALUE);
      f.finish();
      failurePercentage = new FailurePercentageConfig(threshold, minimumHosts, requestVolume);
    }
    r.finish();
    return new PassiveHealthConfig(
        consecutiveErrors,
        consecutiveGatewayErrors,
        errorStatuses,
        interval,
        ejection,
        maxEjection,
        maxEjected,
        successRate,
        failurePercentage);
  }

  private RetryConfig retries(YamlOptionReader r) {
    RetryConfig d = RetryConfig.defaults();
    int attempts = r.integer("attempts", d.attempts(), 0, 10);
    double budget = r.percent("budget", d.budget(), 0, 1);
    int minRetriesPerSecond =
        r.integer("min-retries-per-second", d.minRetriesPerSecond(), 0, 100_000);
    Set<RetryConfig.Condition> on = d.on();
    StatusSet statuses = d.statuses();
    if (r.has("on")) {
      on = EnumSet.noneOf(RetryConfig.Condition.class);
      List<String> statusItems = new ArrayList<>();
      List<String> conditionNames = YamlOptionReader.choices(RetryConfig.Condition.class);
      for (String item : r.stringList("on")) {
        String text = item.trim();
        if (!text.isEmpty() && Character.isDigit(text.charAt(0))) {
          statusItems.add(text);
          continue;
        }
        RetryConfig.Condition c = null;
        for (RetryConfig.Condition candidate : RetryConfig.Condition.values()) {
          if (YamlOptionReader.choiceName(candidate).equals(text)) {
            c = candidate;
          }
        }
        if (c == null) {
          r.error(
              "on",
              YamlOptionReader.unknownValue(
                  "retry condition",
                  text,
                  conditionNames,
                  "expected a status such as 503, or one of"));
        } else {
          on.add(c);
        }
      }
      statuses = StatusSet.EMPTY;
      if (!statusItems.isEmpty()) {
        try {
          statuses = StatusSet.parse(statusItems);
          if (!statuses.union(StatusSet.range(400, 599)).equals(StatusSet.range(400, 599))) {
            r.error("on", "only error statuses (400..599) can be retried, got " + statuses);
            statuses = d.statuses();
          }
        } catch (IllegalArgumentException e) {
          r.error("on", e.getMessage());
          statuses = d.statuses();
        }
      }
    }
    Duration perTryTimeout = r.duration("per-try-timeout", d.perTryTimeout());
    long buffer = r.size("buffer", d.buffer(), 0, 64L << 20);
    boolean idempotentOnly = r.bool("idempotent-only", d.idempotentOnly());
    if (attempts > 0 && budget == 0 && minRetriesPerSecond == 0) {
      r.warn(
          "budget",
          "0% with min-retries-per-second: 0 allows no retries (set attempts: 0 to turn retries"
              + " off)");
    }
    r.finish();
    return new RetryConfig(
        attempts, budget, minRetriesPerSecond, on, statuses, perTryTimeout, buffer, idempotentOnly);
  }

  private static PoolLimits poolLimits(YamlOptionReader r) {
    PoolLimits d = PoolLimits.defaults();
    PoolLimits c =
        new PoolLimits(
            r.integer(
                "max-connections-per-backend", d.maxConnectionsPerBackend(), 0, Integer.MAX_VALUE),
            r.integer("max-pending", d.maxPending(), 0, 1_000_000),
            r.integer("max-requests-per-backend", d.maxRequestsPerBackend(), 0, Integer.MAX_VALUE),
            r.duration("queue-timeout", d.queueTimeout()));
    r.finish();
    return c;
  }

  /** A duration that must be greater than zero. */
  private static Duration positive(YamlOptionReader r, String key, Duration def) {
    Duration d = r.duration(key, def);
    if (d.isZero() || d.isNegative()) {
      r.error(key, "must be greater than 0");
      return def;
    }
    return d;
  }

  /** Statuses and ranges, as a single string or a list ({@code 200-399}, {@code [500-599]}). */
  private static StatusSet statuses(
      YamlOptionReader r, String key, StatusSet def, boolean allowEmpty) {
    if (!r.has(key)) {
      return def;
    }
    if (r.isEmptyList(key)) {
      if (!allowEmpty) {
        r.error(key, "needs at least one status (such as 200-399)");
        return def;
      }
      return StatusSet.EMPTY;
    }
    List<String> items = r.stringList(key);
    if (items.isEmpty()) {
      return def; // not a list of strings; reported
    }
    try {
      return StatusSet.parse(items);
    } catch (IllegalArgumentException e) {
      r.error(key, e.getMessage());
      return def;
    }
  }

  /** Bytes to send, with escapes; {@link Payload#EMPTY} when absent. */
  private static Payload payload(YamlOptionReader r, String key) {
    Optional<String> text = r.string(key);
    if (text.isEmpty()) {
      return Payload.EMPTY;
    }
    try {
      return Payload.parse(text.get());
    } catch (IllegalArgumentException e) {
      r.error(key, e.getMessage());
      return Payload.EMPTY;
    }
  }

  private List<BackendConfig> backends(YamlOptionReader pool, String poolName) {
    List<BackendConfig> out = new ArrayList<>();
    Map<String, YamlOptionReader> byId = new LinkedHashMap<>();
    Map<HostPort, String> byAddress = new LinkedHashMap<>();
    for (YamlOptionReader r : pool.mappings("backends")) {
      BackendConfig b = backend(r);
      out.add(b);
      if (!b.id().isEmpty()) {
        YamlOptionReader first = byId.putIfAbsent(b.id(), r);
        if (first != null) {
          r.error(
              "id",
              "duplicate backend id '"
                  + b.id()
                  + "' in pool '"
                  + poolName
                  + "'; first used at line "
                  + first.lineOf("id"));
        }
      }
      if (b.address() != null) {
        String other = byAddress.putIfAbsent(b.address(), b.id());
        if (other != null) {
          r.warn("address", b.address() + " is also the address of backend '" + other + "'");
        }
      }
    }
    return out;
  }

  private BackendConfig backend(YamlOptionReader r) {
    String id = name(r, "id");
    HostPort address = requiredAddress(r, "address");
    int weight = r.integer("weight", BackendConfig.DEFAULT_WEIGHT, 0, BackendConfig.MAX_WEIGHT);
    String vm = optionalText(r, "vm");
    String host = optionalText(r, "host");
    AdminState state = r.choice("state", AdminState.class, AdminState.ACTIVE);
    int maxConnections = r.integer("max-connections", 0, 0, Integer.MAX_VALUE);
    r.finish();
    return new BackendConfig(id, address, weight, vm, host, state, maxConnections);
  }

  // ---- cross-section checks ----

  private <T> void checkUnique(
      List<Bound<T>> items, String key, Function<T, String> name, String what) {
    Map<String, YamlOptionReader> seen = new LinkedHashMap<>();
    for (Bound<T> b : items) {
      String n = name.apply(b.value());
      if (n.isEmpty()) {
        continue;
      }
      YamlOptionReader first = seen.putIfAbsent(n, b.reader());
      if (first != null) {
        b.reader()
            .error(
                key, "duplicate " + what + " '" + n + "'; first used at line " + first.lineOf(key));
      }
    }
  }

  /** Two sockets cannot bind the same port when their hosts are equal or either is a wildcard. */
  private void checkListenAddresses(
      List<Bound<ListenerConfig>> listeners, AdminConfig admin, YamlOptionReader adminReader) {
    List<Bound<ListenerConfig>> bound = new ArrayList<>();
    for (Bound<ListenerConfig> l : listeners) {
      HostPort a = l.value().listen();
      if (a == null) {
        continue;
      }
      for (Bound<ListenerConfig> earlier : bound) {
        HostPort b = earlier.value().listen();
        if (overlaps(a, b)) {
          l.reader()
              .error(
                  "listen",
                  (a.equals(b) ? a + " is already used" : a + " overlaps " + b)
                      + " by listener '"
                      + earlier.value().name()
                      + "' (line "
                      + earlier.reader().lineOf("listen")
                      + ")");
          break;
        }
      }
      bound.add(l);
      if (admin.enabled() && overlaps(a, admin.listen())) {
        String where =
            adminReader.has("listen")
                ? "admin.listen " + admin.listen() + " (line " + adminReader.lineOf("listen") + ")"
                : "the admin API's default address " + admin.listen() + " (set admin.listen)";
        l.reader().error("listen", a + " conflicts with " + where);
      }
    }
  }

  private static boolean overlaps(HostPort a, HostPort b) {
    return a.port() == b.port() && (a.host().equals(b.host()) || a.isWildcard() || b.isWildcard());
  }

  private void checkPoolReferences(List<Bound<PoolConfig>> pools) {
    List<String> names = new ArrayList<>();
    for (Bound<PoolConfig> p : pools) {
      if (!p.value().name().isEmpty() && !names.contains(p.value().name())) {
        names.add(p.value().name());
      }
    }
    Set<String> used = new HashSet<>();
    for (PoolRef ref : poolRefs) {
      used.add(ref.pool());
      if (names.isEmpty() || names.contains(ref.pool())) {
        continue; // with no pools at all, "pools: is required" already says it
      }
      StringBuilder msg = new StringBuilder("no pool named '").append(ref.pool()).append('\'');
      EditDistance.closest(ref.pool(), names)
          .ifPresent(h -> msg.append(" (did you mean '").append(h).append("'?)"));
      msg.append("; pools are: ").append(String.join(", ", names));
      ref.reader().error("pool", msg.toString());
    }
    for (Bound<PoolConfig> p : pools) {
      String name = p.value().name();
      if (!name.isEmpty() && !used.contains(name)) {
        p.reader().warn("pool '" + name + "' is not used by any listener or route");
      }
    }
  }

  // ---- value helpers ----

  /** A required list of mappings with at least one item. */
  private <T> List<Bound<T>> section(
      YamlOptionReader root, String key, String what, Function<YamlOptionReader, T> binder) {
    if (!root.has(key)) {
      root.error(key, "is required (at least one " + what + ")");
      return List.of();
    }
    if (root.isEmptyList(key)) {
      root.error(key, "needs at least one " + what);
      return List.of();
    }
    List<Bound<T>> out = new ArrayList<>();
    for (YamlOptionReader r : root.mappings(key)) {
      out.add(new Bound<>(binder.apply(r), r));
    }
    return out;
  }

  /** A required name in the shared charset. */
  private static String name(YamlOptionReader r, String key) {
    String name = r.requiredString(key);
    if (!name.isEmpty() && !NAME.matcher(name).matches()) {
      r.error(
          key,
          "'"
              + name
              + "' is not a valid name (use lower-case letters, digits, '.', '_' and '-',"
              + " starting with a letter or digit)");
    }
    return name;
  }

  private String poolRef(YamlOptionReader r) {
    String pool = r.requiredString("pool");
    if (!pool.isEmpty()) {
      poolRefs.add(new PoolRef(pool, r));
    }
    return pool;
  }

  private static HostPort requiredAddress(YamlOptionReader r, String key) {
    if (!r.has(key)) {
      r.error(key, "is required (host:port, such as 10.0.0.11:8080)");
      return null;
    }
    return r.address(key).orElse(null);
  }

  private static String optionalText(YamlOptionReader r, String key) {
    String s = r.string(key).orElse("").trim();
    return s.isEmpty() ? null : s;
  }

  private static String logLevel(YamlOptionReader r, String key, String def) {
    Optional<String> text = r.string(key);
    if (text.isEmpty()) {
      return def;
    }
    String level = text.get().trim().toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      r.error(
          key, YamlOptionReader.unknownValue("level", text.get(), LOG_LEVELS, "expected one of"));
      return def;
    }
    return level;
  }

  private Path file(YamlOptionReader r, String key, String text) {
    if (text.isBlank()) {
      r.error(key, "must not be empty");
      return null;
    }
    try {
      Path p = Path.of(text.trim());
      return baseDir == null ? p : baseDir.resolve(p);
    } catch (InvalidPathException e) {
      r.error(key, "'" + text + "' is not a valid file name");
      return null;
    }
  }

  private static String routeHost(YamlOptionReader m, String text) {
    String host = text.trim().toLowerCase(Locale.ROOT);
    if (host.indexOf(':') >= 0) {
      m.error("host", "'" + text + "' must not include a port (the listener has the port)");
      return null;
    }
    if (!HOST_PATTERN.matcher(host).matches()) {
      m.error(
          "host", "'" + text + "' is not a host name (such as api.example.com or *.example.com)");
      return null;
    }
    return host;
  }

  private static String pathPrefix(YamlOptionReader m, String text) {
    if (!text.startsWith("/")) {
      m.error("path-prefix", "'" + text + "' must start with '/'");
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '?' || c == '#' || c <= ' ') {
        m.error("path-prefix", "'" + text + "' must be a path only (no query, fragment or spaces)");
        return null;
      }
    }
    return text;
  }

  private static boolean isLoopback(HostPort a) {
    String h = a.host();
    return h.startsWith("127.") || h.equals("localhost") || h.equals("::1");
  }
}

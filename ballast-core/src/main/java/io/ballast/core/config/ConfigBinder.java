package io.ballast.core.config;

import io.ballast.core.balance.BalancerFactory;
import io.ballast.core.balance.BalancerRegistry;
import io.ballast.core.balance.BalancerSpec;
import io.ballast.core.balance.HashOn;
import io.ballast.core.config.ListenerConfig.Protocol;
import io.ballast.core.config.NodeConfig.Transport;
import io.ballast.core.model.AdminState;
import io.ballast.core.util.EditDistance;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    r.finish();
    return new NodeConfig(name, eventLoops, transport, shutdownGrace);
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
        connectionPool);
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

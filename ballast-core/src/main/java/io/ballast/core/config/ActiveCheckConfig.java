package io.ballast.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Active health checks for a pool's backends ({@code health.active}), with HAProxy's timing model:
 * a backend is checked every {@code interval} while its state is settled, every {@code
 * fastInterval} while it is changing state (some checks failed but fewer than {@code fall}, or some
 * passed but fewer than {@code rise}), and every {@code downInterval} while it is down. Every delay
 * is spread by up to ±{@code jitter} so checks of many backends do not fire together.
 *
 * @param type what a check does
 * @param interval time between checks of a backend in a settled state (default 2 s)
 * @param fastInterval time between checks while a backend is changing state (HAProxy {@code
 *     fastinter}; default {@code interval / 4}, at least 100 ms or {@code interval} if shorter)
 * @param downInterval time between checks while a backend is down (HAProxy {@code downinter};
 *     default {@code interval})
 * @param jitter how much each delay is spread, as a fraction 0..0.5 (default 0.1: ±10%)
 * @param timeout how long one check may take before it fails (default 1 s)
 * @param rise consecutive passed checks that bring a down backend up (default 2)
 * @param fall consecutive failed checks that take an up backend down (default 3)
 * @param port the port to check instead of the backend's own, or 0 to use the backend's port
 * @param http the HTTP request and expectations; non-null exactly when {@code type} is {@code HTTP}
 * @param tcpExpect what to send and expect; non-null exactly when {@code type} is {@code
 *     TCP_EXPECT}
 * @param agent the agent to query; required with {@code type: agent}, optional beside the other
 *     types (see {@link AgentCheckConfig})
 */
public record ActiveCheckConfig(
    CheckType type,
    Duration interval,
    Duration fastInterval,
    Duration downInterval,
    double jitter,
    Duration timeout,
    int rise,
    int fall,
    int port,
    HttpCheckConfig http,
    TcpExpectConfig tcpExpect,
    AgentCheckConfig agent) {

  /** What an active check does. */
  public enum CheckType {
    /** Send an HTTP request, check the status (and optionally the body). */
    HTTP,
    /** Open a TCP connection; connected is healthy. */
    TCP,
    /** Connect, send bytes, expect a reply pattern (Redis {@code PING} / {@code +PONG}). */
    TCP_EXPECT,
    /** Ask an HAProxy-style agent on the backend for its state and weight. */
    AGENT
  }

  /** Default interval: 2 s. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  /** Default timeout: 1 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  /** Default jitter: ±10%. */
  public static final double DEFAULT_JITTER = 0.1;

  /** Default rise: 2 passed checks. */
  public static final int DEFAULT_RISE = 2;

  /** Default fall: 3 failed checks. */
  public static final int DEFAULT_FALL = 3;

  /** The shortest default fast interval. */
  private static final Duration MIN_DEFAULT_FAST = Duration.ofMillis(100);

  public ActiveCheckConfig {
    Objects.requireNonNull(type, "type");
    requirePositive(interval, "interval");
    requirePositive(fastInterval, "fastInterval");
    requirePositive(downInterval, "downInterval");
    requirePositive(timeout, "timeout");
    if (!(jitter >= 0 && jitter <= 0.5)) {
      throw new IllegalArgumentException("jitter " + jitter + " is out of range 0..0.5");
    }
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException("rise and fall must be at least 1");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
    }
    if ((type == CheckType.HTTP) != (http != null)) {
      throw new IllegalArgumentException("http settings go with type HTTP, and only with it");
    }
    if ((type == CheckType.TCP_EXPECT) != (tcpExpect != null)) {
      throw new IllegalArgumentException(
          "tcp-expect settings go with TCP_EXPECT, and only with it");
    }
    if (type == CheckType.AGENT && agent == null) {
      throw new IllegalArgumentException("type AGENT needs agent settings");
    }
  }

  /** An HTTP check with default timing. */
  public static ActiveCheckConfig http(HttpCheckConfig http) {
    return withDefaults(CheckType.HTTP, http, null, null);
  }

  /** A TCP connect check with default timing. */
  public static ActiveCheckConfig tcp() {
    return withDefaults(CheckType.TCP, null, null, null);
  }

  /** A send/expect check with default timing. */
  public static ActiveCheckConfig tcpExpect(TcpExpectConfig tcpExpect) {
    return withDefaults(CheckType.TCP_EXPECT, null, tcpExpect, null);
  }

  /** An agent check with default timing. */
  public static ActiveCheckConfig agent(AgentCheckConfig agent) {
    return withDefaults(CheckType.AGENT, null, null, agent);
  }

  /**
   * The same check with other timing; {@code fastInterval} and {@code downInterval} take their
   * defaults for the new interval.
   */
  public ActiveCheckConfig withTiming(Duration interval, Duration timeout, int rise, int fall) {
    return new ActiveCheckConfig(
        type,
        interval,
        defaultFastInterval(interval),
        interval,
        jitter,
        timeout,
        rise,
        fall,
        port,
        http,
        tcpExpect,
        agent);
  }

  /** The default fast interval for {@code interval}: a quarter of it, at least 100 ms. */
  public static Duration defaultFastInterval(Duration interval) {
    Duration quarter = interval.dividedBy(4);
    Duration floor = interval.compareTo(MIN_DEFAULT_FAST) < 0 ? interval : MIN_DEFAULT_FAST;
    return quarter.compareTo(floor) < 0 ? floor : quarter;
  }

  /** The port to check on a backend listening on {@code backendPort}. */
  public int portFor(int backendPort) {
    return port == 0 ? backendPort : port;
  }

  private static ActiveCheckConfig withDefaults(
      CheckType type, HttpCheckConfig http, TcpExpectConfig tcpExpect, AgentCheckConfig agent) {
    return new ActiveCheckConfig(
        type,
        DEFAULT_INTERVAL,
        defaultFastInterval(DEFAULT_INTERVAL),
        DEFAULT_INTERVAL,
        DEFAULT_JITTER,
        DEFAULT_TIMEOUT,
        DEFAULT_RISE,
        DEFAULT_FALL,
        0,
        http,
        tcpExpect,
        agent);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}

package io.ballast.core.model;

import io.ballast.core.config.HostPort;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A backend server with a stable identity: it lives as long as the pool keeps a backend with this
 * id and address, across any number of snapshots, so its load counters and the data plane's
 * connection pools for it survive weight changes, drains and config reloads.
 *
 * <p>What changes over time (weight, admin state, health) lives in {@link Endpoint}, which
 * snapshots rebuild; what the data plane updates per request lives in {@link #load()}.
 */
public final class Backend {
  private final String pool;
  private final String id;
  private final HostPort address;
  private final InetSocketAddress socketAddress;
  private final String vm;
  private final String host;
  private final BackendLoad load = new BackendLoad();

  /**
   * Opaque per-backend state owned by the data plane (its per-loop connection pools). Core code
   * never looks inside; attached once by the data plane.
   */
  private volatile Object dataPlaneState;

  /**
   * Opaque per-backend state owned by the metrics (its counters), separate from the data plane's so
   * neither needs a map lookup per request. Attached once, on first use.
   */
  private volatile Object metricsState;

  private final byte[] authority;

  /**
   * Creates a backend.
   *
   * @param pool the pool's name
   * @param id the backend's id within the pool
   * @param address the configured address
   * @param socketAddress the resolved address to connect to
   * @param vm VM name or {@code null}
   * @param host physical host name or {@code null}
   */
  public Backend(
      String pool,
      String id,
      HostPort address,
      InetSocketAddress socketAddress,
      String vm,
      String host) {
    this.pool = Objects.requireNonNull(pool);
    this.id = Objects.requireNonNull(id);
    this.address = Objects.requireNonNull(address);
    this.socketAddress = Objects.requireNonNull(socketAddress);
    this.vm = vm;
    this.host = host;
    this.authority = address.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * {@code host:port} as ASCII bytes: the Host header for clients that sent none. Built once; the
   * data plane must not modify it.
   */
  public byte[] authority() {
    return authority;
  }

  public String pool() {
    return pool;
  }

  public String id() {
    return id;
  }

  public HostPort address() {
    return address;
  }

  /** The resolved address the data plane connects to. */
  public InetSocketAddress socketAddress() {
    return socketAddress;
  }

  /** The VM this backend runs on, or {@code null}. */
  public String vm() {
    return vm;
  }

  /** The physical host this backend runs on, or {@code null}. */
  public String host() {
    return host;
  }

  /** Live load counters, shared by all event loops. */
  public BackendLoad load() {
    return load;
  }

  /** The data plane's attachment, or {@code null} before first use. */
  public Object dataPlaneState() {
    return dataPlaneState;
  }

  /**
   * Attaches the data plane's state if none is attached yet.
   *
   * @return true if {@code state} was attached; false if another attachment won the race
   */
  public boolean attachDataPlaneState(Object state) {
    return DATA_PLANE_STATE.compareAndSet(this, null, state);
  }

  /** The metrics' attachment, or {@code null} before first use. */
  public Object metricsState() {
    return metricsState;
  }

  /**
   * Attaches the metrics' state if none is attached yet.
   *
   * @return true if {@code state} was attached; false if another attachment won the race
   */
  public boolean attachMetricsState(Object state) {
    return METRICS_STATE.compareAndSet(this, null, state);
  }

  private static final VarHandle DATA_PLANE_STATE;
  private static final VarHandle METRICS_STATE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      DATA_PLANE_STATE = lookup.findVarHandle(Backend.class, "dataPlaneState", Object.class);
      METRICS_STATE = lookup.findVarHandle(Backend.class, "metricsState", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public String toString() {
    return pool + "/" + id + "(" + address + ")";
  }
}

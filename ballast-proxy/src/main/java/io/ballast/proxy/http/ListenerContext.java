package io.ballast.proxy.http;

import io.ballast.core.world.ControlPlane;
import io.ballast.proxy.observe.ListenerObserver;
import io.ballast.proxy.upstream.LoopResources;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import java.util.Map;

/**
 * What every client connection of one listener shares: the control plane to read snapshots from,
 * the per-loop resources, the set of open client connections (for graceful shutdown).
 */
public final class ListenerContext {
  private final String name;
  private final ControlPlane controlPlane;
  private final Map<EventLoop, LoopResources> loops;
  private final ChannelGroup clients;
  private final String scheme;
  private final ListenerObserver observer;
  private volatile boolean stopping;

  /**
   * Creates a listener context.
   *
   * @param name the listener's name in the config
   * @param controlPlane where snapshots come from
   * @param loops each event loop's resources
   * @param clients the listener's open client connections
   * @param scheme {@code http} or {@code https}, for forwarding headers
   * @param observer where this listener's traffic is reported
   */
  public ListenerContext(
      String name,
      ControlPlane controlPlane,
      Map<EventLoop, LoopResources> loops,
      ChannelGroup clients,
      String scheme,
      ListenerObserver observer) {
    this.name = name;
    this.controlPlane = controlPlane;
    this.loops = loops;
    this.clients = clients;
    this.scheme = scheme;
    this.observer = observer;
  }

  /** Where this listener's traffic is reported. */
  public ListenerObserver observer() {
    return observer;
  }

  public String name() {
    return name;
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  /** The resources of the loop a connection lives on. */
  public LoopResources loop(EventLoop loop) {
    return loops.get(loop);
  }

  public ChannelGroup clients() {
    return clients;
  }

  public String scheme() {
    return scheme;
  }

  /** Whether the listener is shutting down: connections close after their current exchange. */
  public boolean stopping() {
    return stopping;
  }

  /** Marks the listener as shutting down. */
  public void stop() {
    stopping = true;
  }
}

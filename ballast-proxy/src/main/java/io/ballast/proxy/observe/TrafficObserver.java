package io.ballast.proxy.observe;

/**
 * Where the data plane reports traffic: metrics and access logs implement this. The data plane asks
 * it once per client connection for the listener's {@link ListenerObserver}.
 */
@FunctionalInterface
public interface TrafficObserver {

  /** The observer for a listener's connections. */
  ListenerObserver listener(String name);

  /** Nothing observed. */
  TrafficObserver NONE = name -> ListenerObserver.NONE;
}

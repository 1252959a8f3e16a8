package io.ballast.core.balance;

import io.ballast.core.model.Endpoint;
import java.util.List;

/**
 * One pool's balancing policy (grpc-java's {@code LoadBalancer}). It lives as long as the pool
 * keeps its algorithm and options, receives the pool's endpoints each time they change, and
 * publishes an immutable {@link Picker} that the data plane calls per request.
 *
 * <p>All calls to a balancer come from the control plane's single thread, in order; the picker it
 * returns is called concurrently from every event loop.
 */
public interface Balancer {

  /**
   * The pool's endpoints changed (added, removed, weight, health, slow start). {@code eligible}
   * holds only endpoints that may take new traffic, in configuration order, with their effective
   * weights; it may be empty.
   *
   * @return the picker to use until the next update
   */
  Picker update(List<Endpoint> eligible);

  /** The pool is going away or switching algorithm. */
  default void close() {}
}

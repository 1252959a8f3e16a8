package io.ballast.core.model;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live load on one backend, shared by all event loops: requests in flight and open upstream
 * connections. Updated by the data plane on every request with a single atomic add; read by
 * least-loaded balancers. The two counters sit on separate cache lines from everything else because
 * every core touches them.
 */
public final class BackendLoad {
  // Padding keeps these hot atomics off the cache line of the Backend's immutable fields.
  @SuppressWarnings("unused")
  private long p0, p1, p2, p3, p4, p5, p6;

  private final AtomicInteger inflight = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();

  // Set by an event loop when the backend's error streak reaches the ejection threshold, cleared
  // by the control plane once it has ejected it (or decided not to): until then, new tries avoid
  // it, so the requests of that gap do not all need retries.
  private volatile boolean ejectionPending;

  @SuppressWarnings("unused")
  private long q0, q1, q2, q3, q4, q5, q6;

  /** Requests sent to the backend whose response has not completed. */
  public int inflight() {
    return inflight.get();
  }

  /** Open upstream connections to the backend, idle or busy. */
  public int connections() {
    return connections.get();
  }

  /** A request was sent (or is about to be). */
  public void requestStarted() {
    inflight.incrementAndGet();
  }

  /** A request ended, successfully or not. */
  public void requestEnded() {
    inflight.decrementAndGet();
  }

  /** Whether an ejection has been asked for and the control plane has not yet acted on it. */
  public boolean ejectionPending() {
    return ejectionPending;
  }

  /** Marks (or clears) a pending ejection; see {@link #ejectionPending()}. */
  public void ejectionPending(boolean pending) {
    ejectionPending = pending;
  }

  /** An upstream connection opened. */
  public void connectionOpened() {
    connections.incrementAndGet();
  }

  /** An upstream connection closed. */
  public void connectionClosed() {
    connections.decrementAndGet();
  }
}

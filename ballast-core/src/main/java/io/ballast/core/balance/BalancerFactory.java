package io.ballast.core.balance;

import io.ballast.core.config.OptionReader;

/**
 * A balancing algorithm plug-in, found by {@link java.util.ServiceLoader} and selected in the
 * config by {@link #name()} ({@code algorithm: least-request}).
 *
 * <p>The factory parses the algorithm's own options at config load time, so a bad option is a
 * config error with a line number, and creates one {@link Balancer} per pool.
 */
public interface BalancerFactory {

  /** The name used in {@code algorithm:}, lower case with dashes. */
  String name();

  /** One line for {@code ballast validate} and the docs: what the algorithm does. */
  String description();

  /**
   * Reads the algorithm's {@code algorithm-options:}. Report problems through the reader; return an
   * options object even when some are wrong (it is discarded then).
   */
  Object parseOptions(OptionReader options);

  /** Creates the balancer for one pool. Called on the control plane. */
  Balancer create(Object options, BalancerContext context);
}

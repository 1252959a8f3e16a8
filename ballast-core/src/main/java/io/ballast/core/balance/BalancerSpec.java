package io.ballast.core.balance;

/**
 * A pool's chosen algorithm with its parsed options, as held by the validated config.
 *
 * @param factory the algorithm
 * @param options what {@link BalancerFactory#parseOptions} returned
 */
public record BalancerSpec(BalancerFactory factory, Object options) {

  /** Creates the pool's balancer. */
  public Balancer create(BalancerContext context) {
    return factory.create(options, context);
  }

  public String name() {
    return factory.name();
  }

  /** Same algorithm with equal options: a reload may keep the running balancer. */
  public boolean sameAs(BalancerSpec other) {
    return other != null
        && factory.name().equals(other.factory.name())
        && java.util.Objects.equals(options, other.options);
  }
}

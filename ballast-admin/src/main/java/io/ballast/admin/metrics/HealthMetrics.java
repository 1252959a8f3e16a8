package io.ballast.admin.metrics;

/**
 * What health checking and outlier detection report to the metrics. Called off the request path
 * (prober threads, the control plane), so implementations may look things up by name.
 *
 * <p>Whether a backend is up is not reported here: the gauges read {@code Endpoint.healthy()} from
 * the live snapshot at scrape time, so they can never disagree with what the balancer uses.
 */
public interface HealthMetrics {

  /**
   * A backend was ejected (taken out of rotation) by health checking or outlier detection.
   *
   * @param reason short and stable, such as {@code active-check}, {@code consecutive-errors}
   */
  void ejected(String pool, String backend, String reason);

  /** An active health check finished; {@code latencyNanos} from send to verdict. */
  void checkCompleted(String pool, String backend, boolean ok, long latencyNanos);

  /**
   * A backend's detailed health state changed.
   *
   * @param state short and stable, such as {@code up}, {@code down}, {@code rising}, {@code
   *     falling}, {@code ejected}
   */
  void healthState(String pool, String backend, String state);

  /** Reports nothing. */
  HealthMetrics NONE =
      new HealthMetrics() {
        @Override
        public void ejected(String pool, String backend, String reason) {}

        @Override
        public void checkCompleted(String pool, String backend, boolean ok, long latencyNanos) {}

        @Override
        public void healthState(String pool, String backend, String state) {}
      };
}

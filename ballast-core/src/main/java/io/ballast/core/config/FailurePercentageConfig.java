package io.ballast.core.config;

/**
 * Failure-percentage outlier ejection ({@code health.passive.failure-percentage}, Envoy semantics):
 * every evaluation interval, a backend that served at least {@code requestVolume} requests and
 * failed at least {@code threshold} of them is ejected, provided at least {@code minimumHosts}
 * backends served enough requests.
 *
 * @param threshold the failing share that ejects, 0..1 (default 0.85)
 * @param minimumHosts backends with enough requests needed before the pool is judged (default 5)
 * @param requestVolume requests a backend needs in an interval to be judged (default 50)
 */
public record FailurePercentageConfig(double threshold, int minimumHosts, int requestVolume) {

  public FailurePercentageConfig {
    if (!(threshold >= 0 && threshold <= 1) || minimumHosts < 1 || requestVolume < 1) {
      throw new IllegalArgumentException(
          "threshold must be 0..1, minimumHosts and requestVolume at least 1");
    }
  }

  /** 85%, 5 hosts, 50 requests. */
  public static FailurePercentageConfig defaults() {
    return new FailurePercentageConfig(0.85, 5, 50);
  }
}

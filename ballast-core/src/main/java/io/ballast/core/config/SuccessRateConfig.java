package io.ballast.core.config;

/**
 * Success-rate outlier ejection ({@code health.passive.success-rate}, Envoy semantics): every
 * evaluation interval, among backends that served at least {@code requestVolume} requests, those
 * whose success rate is below {@code mean - stdevFactor × stdev} of the pool are ejected. Nothing
 * is evaluated when fewer than {@code minimumHosts} backends have enough requests.
 *
 * @param minimumHosts backends with enough requests needed before the pool is judged (default 5)
 * @param requestVolume requests a backend needs in an interval to be judged (default 100)
 * @param stdevFactor how many standard deviations below the mean ejects (default 1.9)
 */
public record SuccessRateConfig(int minimumHosts, int requestVolume, double stdevFactor) {

  public SuccessRateConfig {
    if (minimumHosts < 1 || requestVolume < 1 || !(stdevFactor > 0)) {
      throw new IllegalArgumentException(
          "minimumHosts and requestVolume must be at least 1, stdevFactor positive");
    }
  }

  /** 5 hosts, 100 requests, 1.9 standard deviations. */
  public static SuccessRateConfig defaults() {
    return new SuccessRateConfig(5, 100, 1.9);
  }
}

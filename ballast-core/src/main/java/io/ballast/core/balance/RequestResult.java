package io.ballast.core.balance;

/**
 * How one upstream request went, as reported to {@link Picker#onResult}. The data plane reuses one
 * mutable instance per connection; read it only during the call.
 */
public interface RequestResult {

  /** Time from sending the request to the end of the response head, in nanoseconds. */
  long latencyNanos();

  /** The response status, or 0 when the request failed without a response. */
  int status();

  /** Whether the request failed at the connection level (refused, reset, timed out). */
  boolean failed();

  /**
   * A response header's value, or {@code null}. Used by {@code load-report} to read ORCA's {@code
   * endpoint-load-metrics}.
   */
  CharSequence responseHeader(CharSequence name);
}

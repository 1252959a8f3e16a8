package io.ballast.core.health;

/**
 * How one request to a backend ended, as the data plane reports it to {@link OutlierDetector}. A
 * status maps to an outcome with {@link OutlierDetector#outcomeOf(int)}.
 */
public enum Outcome {
  /** A response whose status is not an error status. */
  SUCCESS,
  /** A response with an error status other than 502, 503 and 504. */
  ERROR_STATUS,
  /** A 502, 503 or 504 response that counts as an error. */
  GATEWAY_ERROR,
  /** The connection could not be opened (refused, unreachable, connect timeout). */
  CONNECT_FAILURE,
  /** The backend reset or closed the connection before the response ended. */
  RESET,
  /** No response within the response (or per-try) timeout. */
  TIMEOUT;

  /** Whether this counts as a failed request. */
  public boolean isError() {
    return this != SUCCESS;
  }

  /**
   * Whether this counts toward {@code consecutive-gateway-errors}: 502, 503, 504 and
   * connection-level failures, which a client sees as gateway errors (Envoy's gateway failures).
   */
  public boolean isGatewayError() {
    return this != SUCCESS && this != ERROR_STATUS;
  }
}

package io.ballast.core.config;

import java.util.Objects;

/**
 * An HTTP health check's request and expectations ({@code health.active} with {@code type: http}).
 *
 * @param method the request method, such as {@code GET} or {@code HEAD}
 * @param path the request target, starting with {@code /} (a query is allowed)
 * @param host the {@code Host} header to send, or {@code null} for the backend's address
 * @param expectStatus statuses that count as healthy (default {@code 200-399})
 * @param expectBody a substring the response body must contain, or {@code null} for no body check
 */
public record HttpCheckConfig(
    String method, String path, String host, StatusSet expectStatus, String expectBody) {

  /** Default method. */
  public static final String DEFAULT_METHOD = "GET";

  /** Default path. */
  public static final String DEFAULT_PATH = "/healthz";

  /** Default healthy statuses: 200-399. */
  public static final StatusSet DEFAULT_EXPECT_STATUS = StatusSet.range(200, 399);

  public HttpCheckConfig {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(expectStatus, "expectStatus");
  }

  /** {@code GET /healthz}, expecting 200-399, no body check. */
  public static HttpCheckConfig defaults() {
    return new HttpCheckConfig(DEFAULT_METHOD, DEFAULT_PATH, null, DEFAULT_EXPECT_STATUS, null);
  }
}

package io.ballast.admin;

/**
 * Who may call a route. The admin server decides per request from this, whether a token is
 * configured ({@code admin.token-file}) and where the server is bound:
 *
 * <ul>
 *   <li>{@link #OPEN}: anyone who can connect (probes: {@code /healthz}, {@code /readyz}).
 *   <li>{@link #READ}: anyone on a loopback bind; a valid token on any other bind.
 *   <li>{@link #WRITE}: a valid token whenever one is configured; without a token, loopback clients
 *       only.
 * </ul>
 *
 * Without a configured token every request must come from a loopback address (403 otherwise).
 */
public enum Access {
  /** No token ever; for liveness and readiness probes, which reveal nothing. */
  OPEN,
  /** Reads: a token is needed when the admin API is reachable from other machines. */
  READ,
  /** Changes: a token is needed whenever one is configured. */
  WRITE
}

package io.ballast.admin.internal;

import io.ballast.admin.Access;
import io.ballast.admin.AdminException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Decides whether a request may reach its route (see {@link Access} for the rules). Tokens are
 * compared in constant time: both sides are hashed to 32 bytes and compared with {@link
 * MessageDigest#isEqual}, so neither the position of the first wrong byte nor the token's length
 * shows in the timing.
 */
public final class AccessPolicy {
  private final byte[] tokenDigest;
  private final boolean loopbackBind;

  /**
   * Creates the policy.
   *
   * @param token the configured bearer token, or {@code null} when none is configured
   * @param loopbackBind whether the admin server is bound to a loopback address only
   */
  public AccessPolicy(String token, boolean loopbackBind) {
    this.tokenDigest = token == null ? null : sha256(token);
    this.loopbackBind = loopbackBind;
  }

  /** Whether a token is configured. */
  public boolean hasToken() {
    return tokenDigest != null;
  }

  /**
   * Checks a request.
   *
   * @throws AdminException 401 (with {@code WWW-Authenticate: Bearer}) for a missing or wrong
   *     token; 403 for a non-loopback client when no token is configured
   */
  public void check(Access access, HttpHeaders headers, InetSocketAddress remote)
      throws AdminException {
    if (access == Access.OPEN) {
      return;
    }
    if (tokenDigest == null) {
      if (remote == null
          || remote.getAddress() == null
          || !remote.getAddress().isLoopbackAddress()) {
        throw new AdminException(
            HttpResponseStatus.FORBIDDEN,
            "the admin API has no token configured (admin.token-file), so it only accepts"
                + " requests from this machine");
      }
      return;
    }
    if (access == Access.READ && loopbackBind) {
      return;
    }
    String auth = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (auth == null || auth.isBlank()) {
      throw unauthorized(
          (access == Access.WRITE ? "changes need" : "this admin API needs")
              + " the admin token: send 'Authorization: Bearer <token>' (the token is in"
              + " admin.token-file)",
          null);
    }
    if (auth.length() < 7 || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthorized("expected 'Authorization: Bearer <token>'", "invalid_request");
    }
    if (!matches(auth.substring(7).strip())) {
      throw unauthorized("the admin token is wrong", "invalid_token");
    }
  }

  /** Whether a presented token is the configured one (constant-time). */
  public boolean matches(String presented) {
    return tokenDigest != null && MessageDigest.isEqual(tokenDigest, sha256(presented));
  }

  private static AdminException unauthorized(String message, String error) {
    return new AdminException(HttpResponseStatus.UNAUTHORIZED, message)
        .header(
            HttpHeaderNames.WWW_AUTHENTICATE,
            error == null
                ? "Bearer realm=\"ballast\""
                : "Bearer realm=\"ballast\", error=\"" + error + "\"");
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

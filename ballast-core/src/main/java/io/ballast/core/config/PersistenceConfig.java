package io.ballast.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Session persistence on a pool ({@code persistence:}): which backend a returning client goes to,
 * so its session stays where it lives.
 *
 * @param type how sessions are recognized
 * @param name the cookie name: the one Ballast sets ({@code cookie}) or the application's own
 *     ({@code app-cookie}, such as {@code JSESSIONID})
 * @param ttl {@code cookie}: lifetime written into the signed cookie (0 = a browser-session cookie
 *     with no expiry); {@code app-cookie}/{@code source-ip}: idle time after which an entry is
 *     forgotten
 * @param secure {@code cookie}: add the {@code Secure} attribute
 * @param httpOnly {@code cookie}: add the {@code HttpOnly} attribute
 * @param sameSite {@code cookie}: {@code lax}, {@code strict}, {@code none}, or {@code null} for no
 *     attribute
 * @param domain {@code cookie}: the {@code Domain} attribute, or {@code null}
 * @param path {@code cookie}: the {@code Path} attribute
 * @param secretFile {@code cookie}: file with the HMAC key that signs cookies; every node with the
 *     same key honours the same cookies. {@code null}: a random key per process (cookies then
 *     survive neither a restart nor a move to another node)
 * @param maxEntries {@code app-cookie}/{@code source-ip} table: most entries kept
 * @param sourceMode {@code source-ip}: a TTL table, or stateless consistent hashing
 */
public record PersistenceConfig(
    Type type,
    String name,
    Duration ttl,
    boolean secure,
    boolean httpOnly,
    String sameSite,
    String domain,
    String path,
    Path secretFile,
    int maxEntries,
    SourceMode sourceMode) {

  /** How sessions are recognized. */
  public enum Type {
    /** No persistence: every request is balanced on its own. */
    NONE,
    /** Ballast inserts a signed cookie naming the backend by an opaque id. */
    COOKIE,
    /** Ballast learns an application's session cookie from responses. */
    APP_COOKIE,
    /** The client's IP address. */
    SOURCE_IP
  }

  /** How {@code source-ip} persistence remembers clients. */
  public enum SourceMode {
    /** A bounded table with TTL: survives drains and weight changes. */
    TABLE,
    /** Stateless consistent hashing (Maglev): the same answer on every node, no memory. */
    HASH
  }

  /** No persistence. */
  public static final PersistenceConfig NONE =
      new PersistenceConfig(
          Type.NONE, null, Duration.ZERO, false, true, "lax", null, "/", null, 0, SourceMode.TABLE);

  /** Whether persistence is on. */
  public boolean enabled() {
    return type != Type.NONE;
  }
}

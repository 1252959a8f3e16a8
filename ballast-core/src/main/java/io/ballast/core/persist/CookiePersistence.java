package io.ballast.core.persist;

import io.ballast.core.balance.PickContext;
import io.ballast.core.config.PersistenceConfig;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code cookie} persistence: Ballast inserts {@code NAME=token.expiry.mac}, where {@code token} is
 * an HMAC of the pool and backend id (no address leaks, the same on every node with the same key),
 * {@code expiry} is epoch seconds in base 36 (0 for a browser-session cookie) and {@code mac} signs
 * both. A cookie whose signature does not verify, or that expired, is ignored — never trusted — and
 * the request is balanced as if it had none.
 */
final class CookiePersistence extends Persistence {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final String pool;
  private final byte[] key;
  private final InstantSource clock;
  private final String name;
  private final long ttlSeconds;
  private final String attributes;
  private final ThreadLocal<Mac> macs;

  CookiePersistence(String pool, PersistenceConfig config, byte[] key, InstantSource clock) {
    super(config);
    this.pool = pool;
    this.key = key.clone();
    this.clock = clock;
    this.name = config.name();
    this.ttlSeconds = config.ttl().toSeconds();
    StringBuilder a = new StringBuilder();
    a.append("; Path=").append(config.path());
    if (config.domain() != null) {
      a.append("; Domain=").append(config.domain());
    }
    if (config.httpOnly()) {
      a.append("; HttpOnly");
    }
    if (config.secure()) {
      a.append("; Secure");
    }
    if (config.sameSite() != null) {
      a.append("; SameSite=")
          .append(Character.toUpperCase(config.sameSite().charAt(0)))
          .append(config.sameSite().substring(1));
    }
    this.attributes = a.toString();
    this.macs =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(this.key, "HmacSHA256"));
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
              }
            });
  }

  @Override
  public SessionAffinity update(List<Endpoint> all, List<Endpoint> eligible) {
    Map<String, Endpoint> byToken = new HashMap<>();
    Map<Backend, String> tokens = new IdentityHashMap<>();
    for (Endpoint e : all) {
      String token = token(e.id());
      byToken.put(token, e);
      tokens.put(e.backend(), token);
    }
    return new Affinity(byToken, tokens);
  }

  /** The opaque, stable name of a backend in cookies. */
  String token(String backendId) {
    byte[] mac = mac("backend|" + pool + "|" + backendId);
    return B64.encodeToString(java.util.Arrays.copyOf(mac, 9));
  }

  private byte[] mac(String text) {
    Mac m = macs.get();
    return m.doFinal(text.getBytes(StandardCharsets.UTF_8));
  }

  private String signature(String token, String expiry) {
    byte[] mac = mac("cookie|" + pool + "|" + token + "|" + expiry);
    return B64.encodeToString(java.util.Arrays.copyOf(mac, 16));
  }

  private final class Affinity implements SessionAffinity {
    private final Map<String, Endpoint> byToken;
    private final Map<Backend, String> tokens;

    Affinity(Map<String, Endpoint> byToken, Map<Backend, String> tokens) {
      this.byToken = byToken;
      this.tokens = tokens;
    }

    @Override
    public Backend lookup(PickContext context, SessionState state) {
      CharSequence value = context.request().cookie(name);
      if (value == null) {
        return null;
      }
      String v = value.toString();
      int dot1 = v.indexOf('.');
      int dot2 = dot1 < 0 ? -1 : v.indexOf('.', dot1 + 1);
      if (dot2 < 0 || v.indexOf('.', dot2 + 1) >= 0) {
        return null;
      }
      String token = v.substring(0, dot1);
      String expiry = v.substring(dot1 + 1, dot2);
      byte[] given = v.substring(dot2 + 1).getBytes(StandardCharsets.US_ASCII);
      byte[] expected = signature(token, expiry).getBytes(StandardCharsets.US_ASCII);
      if (!MessageDigest.isEqual(given, expected)) {
        return null; // tampered or signed by another key: ignored, never trusted
      }
      long expires;
      try {
        expires = Long.parseLong(expiry, 36);
      } catch (NumberFormatException e) {
        return null;
      }
      long now = clock.instant().getEpochSecond();
      if (expires != 0 && expires <= now) {
        return null;
      }
      Endpoint e = byToken.get(token);
      if (e == null || !e.acceptsPersistedSessions()) {
        return null; // removed, failed or in maintenance: the session moves
      }
      state.persisted = e.backend();
      state.refresh = ttlSeconds > 0 && (expires == 0 || expires - now < ttlSeconds / 2);
      return e.backend();
    }

    @Override
    public String onResponse(
        PickContext context, Backend served, SessionState state, ResponseHeaders response) {
      if (served == null || (state.persisted == served && !state.refresh)) {
        return null;
      }
      String token = tokens.get(served);
      if (token == null) {
        return null;
      }
      StringBuilder sb = new StringBuilder(96);
      String expiry =
          ttlSeconds > 0 ? Long.toString(clock.instant().getEpochSecond() + ttlSeconds, 36) : "0";
      sb.append(name).append('=').append(token).append('.').append(expiry).append('.');
      sb.append(signature(token, expiry));
      if (ttlSeconds > 0) {
        sb.append("; Max-Age=").append(ttlSeconds);
      }
      sb.append(attributes);
      return sb.toString();
    }
  }
}

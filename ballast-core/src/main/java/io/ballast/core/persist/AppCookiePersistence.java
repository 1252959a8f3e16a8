package io.ballast.core.persist;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ballast.core.balance.PickContext;
import io.ballast.core.config.PersistenceConfig;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Ticker;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code app-cookie} persistence: learns the application's own session cookie (such as {@code
 * JSESSIONID}) from {@code Set-Cookie} in responses into a bounded table with an idle TTL, and
 * sends later requests carrying that cookie to the backend that issued it. The table survives
 * snapshots and reloads; a session whose backend is gone moves, and the table follows it.
 */
final class AppCookiePersistence extends Persistence {
  private final String name;
  private final String prefix;
  private final Cache<String, String> sessions;

  AppCookiePersistence(PersistenceConfig config, Ticker ticker) {
    super(config);
    this.name = config.name();
    this.prefix = config.name() + "=";
    this.sessions =
        Caffeine.newBuilder()
            .maximumSize(config.maxEntries())
            .expireAfterAccess(config.ttl())
            .ticker(ticker::nanoTime)
            .build();
  }

  /** Sessions currently remembered (approximate), for the admin API and tests. */
  long size() {
    return sessions.estimatedSize();
  }

  @Override
  public SessionAffinity update(List<Endpoint> all, List<Endpoint> eligible) {
    Map<String, Endpoint> byId = new HashMap<>();
    for (Endpoint e : all) {
      byId.put(e.id(), e);
    }
    return new SessionAffinity() {
      @Override
      public Backend lookup(PickContext context, SessionState state) {
        CharSequence value = context.request().cookie(name);
        if (value == null || value.length() == 0) {
          return null;
        }
        String key = value.toString();
        state.key = key;
        String id = sessions.getIfPresent(key);
        Endpoint e = id == null ? null : byId.get(id);
        if (e == null || !e.acceptsPersistedSessions()) {
          return null;
        }
        state.persisted = e.backend();
        return e.backend();
      }

      @Override
      public String onResponse(
          PickContext context, Backend served, SessionState state, ResponseHeaders response) {
        if (served == null) {
          return null;
        }
        boolean learned = false;
        CharSequence setCookie;
        for (int i = 0; (setCookie = response.header("set-cookie", i)) != null; i++) {
          String sc = setCookie.toString();
          if (!sc.startsWith(prefix)) {
            continue;
          }
          int end = sc.indexOf(';');
          String value = sc.substring(prefix.length(), end < 0 ? sc.length() : end).trim();
          String attrs = end < 0 ? "" : sc.substring(end).toLowerCase(Locale.ROOT);
          if (value.isEmpty() || attrs.contains("max-age=0")) {
            sessions.invalidate(
                value.isEmpty() && state.key != null ? state.key.toString() : value);
          } else {
            sessions.put(value, served.id());
          }
          learned = true;
        }
        if (!learned && state.key != null && state.persisted != served) {
          // The session's backend is gone and another served it: keep the session together.
          sessions.put(state.key.toString(), served.id());
        }
        return null;
      }
    };
  }
}

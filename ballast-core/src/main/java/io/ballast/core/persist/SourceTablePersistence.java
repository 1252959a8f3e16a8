package io.ballast.core.persist;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ballast.core.balance.PickContext;
import io.ballast.core.config.PersistenceConfig;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code source-ip} persistence with a table: each client address is bound to the backend that
 * first served it, for {@code ttl} after its last request. Unlike hashing, the binding survives
 * drains (a draining backend keeps its clients) and adding backends moves nobody.
 */
final class SourceTablePersistence extends Persistence {
  private final Cache<InetAddress, String> clients;

  SourceTablePersistence(PersistenceConfig config, Ticker ticker) {
    super(config);
    this.clients =
        Caffeine.newBuilder()
            .maximumSize(config.maxEntries())
            .expireAfterAccess(config.ttl())
            .ticker(ticker::nanoTime)
            .build();
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
        InetSocketAddress client = context.request().clientAddress();
        if (client == null) {
          return null;
        }
        String id = clients.getIfPresent(client.getAddress());
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
        InetSocketAddress client = context.request().clientAddress();
        if (served != null && client != null && state.persisted != served) {
          clients.put(client.getAddress(), served.id());
        }
        return null;
      }
    };
  }
}

package io.ballast.core.persist;

import io.ballast.core.balance.Balancer;
import io.ballast.core.balance.BalancerContext;
import io.ballast.core.balance.HashOn;
import io.ballast.core.balance.PickContext;
import io.ballast.core.balance.Picker;
import io.ballast.core.balance.maglev.MaglevBalancerFactory;
import io.ballast.core.config.PersistenceConfig;
import io.ballast.core.model.Backend;
import io.ballast.core.model.Endpoint;
import io.ballast.core.time.Randoms;
import io.ballast.core.time.Ticker;
import java.util.List;

/**
 * {@code source-ip} persistence without state: a Maglev table over the eligible backends, keyed by
 * the client address. Every node gives the same answer; adding or removing one backend moves about
 * 1/N of clients. A drained backend's clients move too (a stateless scheme cannot tell an old
 * session from a new client): use the table mode when drains must keep sessions.
 */
final class SourceHashPersistence extends Persistence {
  private final Balancer maglev;

  SourceHashPersistence(String pool, PersistenceConfig config, Ticker ticker) {
    super(config);
    MaglevBalancerFactory factory = new MaglevBalancerFactory();
    this.maglev =
        factory.create(
            MaglevBalancerFactory.Options.DEFAULT,
            new BalancerContext(pool, ticker, Randoms.threadLocal(), HashOn.SOURCE_IP));
  }

  @Override
  public SessionAffinity update(List<Endpoint> all, List<Endpoint> eligible) {
    Picker picker = eligible.isEmpty() ? Picker.EMPTY : maglev.update(eligible);
    return new SessionAffinity() {
      @Override
      public Backend lookup(PickContext context, SessionState state) {
        if (context.request().clientAddress() == null) {
          return null;
        }
        Backend b = picker.pick(context);
        state.persisted = b;
        return b;
      }

      @Override
      public String onResponse(
          PickContext context, Backend served, SessionState state, ResponseHeaders response) {
        return null;
      }
    };
  }
}

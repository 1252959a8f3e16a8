package io.ballast.core.persist;

import io.ballast.core.model.Backend;

/**
 * What persistence found for one request, handed from {@link SessionAffinity#lookup} to {@link
 * SessionAffinity#onResponse}. The data plane keeps one per connection and resets it per request,
 * so persistence allocates nothing on the common path.
 */
public final class SessionState {
  Backend persisted;
  boolean refresh;
  CharSequence key;

  /** Forgets the previous request. */
  public void reset() {
    persisted = null;
    refresh = false;
    key = null;
  }

  /** The backend the request's session is bound to, or {@code null}. */
  public Backend persisted() {
    return persisted;
  }
}

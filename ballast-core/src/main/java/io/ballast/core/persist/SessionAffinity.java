package io.ballast.core.persist;

import io.ballast.core.balance.PickContext;
import io.ballast.core.model.Backend;

/**
 * Session persistence as one snapshot sees it: which backend a request's session belongs to, and
 * what to tell the client (or remember) after a backend answered. Immutable apart from the session
 * tables it shares with the next snapshot; called concurrently from every event loop.
 *
 * <p>Semantics (HAProxy's, with the pain points of traefik#1299/#5177 and contour#3808 fixed): a
 * draining backend keeps receiving its persisted sessions until it leaves; a failed, removed or
 * maintenance backend's sessions move to whatever the balancer picks, and the client is told the
 * new binding without an error.
 */
public interface SessionAffinity {

  /**
   * The backend this request's session is bound to, if it may still serve it; fills {@code state}
   * for {@link #onResponse}. Returns {@code null} when there is no session or its backend can no
   * longer take it.
   */
  Backend lookup(PickContext context, SessionState state);

  /**
   * A backend answered the request (possibly another than the persisted one, after a retry).
   * Returns a {@code Set-Cookie} field value to add to the response, or {@code null}; learns
   * application sessions from the response.
   */
  String onResponse(
      PickContext context, Backend served, SessionState state, ResponseHeaders response);

  /** No persistence. */
  SessionAffinity NONE =
      new SessionAffinity() {
        @Override
        public Backend lookup(PickContext context, SessionState state) {
          return null;
        }

        @Override
        public String onResponse(
            PickContext context, Backend served, SessionState state, ResponseHeaders response) {
          return null;
        }
      };
}

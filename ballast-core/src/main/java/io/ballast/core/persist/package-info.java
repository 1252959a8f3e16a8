/**
 * Session persistence: {@link io.ballast.core.persist.Persistence} (per pool, long-lived: the
 * cookie signing key, session tables) builds a {@link io.ballast.core.persist.SessionAffinity} per
 * snapshot, which the data plane asks before balancing and tells after a backend answered. Modes:
 * signed insert cookies, learned application cookies, source-IP tables and source-IP consistent
 * hashing.
 */
package io.ballast.core.persist;

/**
 * How the admin server works inside, not an API: the router (method + path pattern → handler), the
 * per-connection Netty handler, bearer-token checks and the streamed-response plumbing.
 */
package io.ballast.admin.internal;

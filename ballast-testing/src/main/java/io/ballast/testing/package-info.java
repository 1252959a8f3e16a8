/**
 * Test fixtures: real HTTP backends on loopback ({@link io.ballast.testing.TestBackend}), a raw
 * socket HTTP client ({@link io.ballast.testing.RawHttpClient}), a fake ticker and a Netty leak
 * check for JUnit.
 */
package io.ballast.testing;

package io.ballast.core.balance.hash;

import io.ballast.core.balance.HashOn;
import io.ballast.core.balance.RequestInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;

/**
 * Turns a request into the 64-bit key that hash-based algorithms place on their table or ring,
 * according to the pool's {@code hash-on:}. Allocation-free.
 *
 * <p>When the key is missing (no such header or cookie, or an L4 connection asked for {@code uri})
 * the client address is hashed instead, so a client without the cookie still sticks somewhere
 * stable; with no client address either, the key is random.
 */
public final class RequestHasher {
  /** Seed for request keys; backends use other seeds so keys and points are independent. */
  private static final long KEY_SEED = 0x62616c6c61737421L; // "ballast!"

  private final HashOn hashOn;

  /** Creates a hasher for {@code hashOn} ({@code null} means {@code source-ip}). */
  public RequestHasher(HashOn hashOn) {
    this.hashOn = hashOn == null ? HashOn.SOURCE_IP : hashOn;
  }

  /** What this hasher hashes. */
  public HashOn hashOn() {
    return hashOn;
  }

  /**
   * The request's key hash.
   *
   * @param request the request, or {@code null} (then the key is random)
   * @param random used only when the request has no key at all
   */
  public long hash(RequestInfo request, RandomGenerator random) {
    if (request == null) {
      return random.nextLong();
    }
    CharSequence key =
        switch (hashOn.source()) {
          case SOURCE_IP -> null;
          case HEADER -> request.header(hashOn.name());
          case COOKIE -> request.cookie(hashOn.name());
          case URI -> request.uri();
          case QUERY -> request.queryParameter(hashOn.name());
        };
    if (key != null) {
      return XxHash64.hash(key, KEY_SEED);
    }
    InetSocketAddress client = request.clientAddress();
    if (client == null || client.getAddress() == null) {
      return random.nextLong();
    }
    return hashAddress(client.getAddress());
  }

  /**
   * Hashes a client address (not its port). For IPv4 the {@code hashCode} is the address itself;
   * for IPv6 it folds the 16 bytes without copying them, which is enough for placement.
   */
  public static long hashAddress(InetAddress address) {
    return XxHash64.hashInt(address.hashCode(), KEY_SEED);
  }

  /** Hashes an arbitrary string key the same way a request key is hashed. */
  public static long hashKey(CharSequence key) {
    return XxHash64.hash(key, KEY_SEED);
  }

  /** A strong 64-bit mix (SplitMix64's finalizer), for deriving follow-up probes from a hash. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

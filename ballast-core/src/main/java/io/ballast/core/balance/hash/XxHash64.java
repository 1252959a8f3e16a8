package io.ballast.core.balance.hash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * xxHash64 (Yann Collet's XXH64), written out so hashing a request key allocates nothing and gives
 * the same 64 bits on every Ballast node and every JVM: consistent hashing only keeps sessions
 * sticky across a cluster if all nodes agree on the hash.
 *
 * <p>{@link #hash(CharSequence, long)} hashes a string as its UTF-16LE bytes without encoding it,
 * so it equals {@code hash(s.getBytes(UTF_16LE), seed)}.
 */
public final class XxHash64 {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private XxHash64() {}

  /** Hashes all of {@code bytes}. */
  public static long hash(byte[] bytes, long seed) {
    return hash(bytes, 0, bytes.length, seed);
  }

  /** Hashes {@code len} bytes of {@code bytes} from {@code off}. */
  public static long hash(byte[] bytes, int off, int len, long seed) {
    int end = off + len;
    int p = off;
    long h;
    if (len >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      int limit = end - 32;
      do {
        v1 = round(v1, (long) LONGS.get(bytes, p));
        v2 = round(v2, (long) LONGS.get(bytes, p + 8));
        v3 = round(v3, (long) LONGS.get(bytes, p + 16));
        v4 = round(v4, (long) LONGS.get(bytes, p + 24));
        p += 32;
      } while (p <= limit);
      h = converge(v1, v2, v3, v4);
    } else {
      h = seed + P5;
    }
    h += len;
    while (p + 8 <= end) {
      h = mix8(h, (long) LONGS.get(bytes, p));
      p += 8;
    }
    if (p + 4 <= end) {
      h = mix4(h, (int) INTS.get(bytes, p));
      p += 4;
    }
    while (p < end) {
      h = mix1(h, bytes[p] & 0xFF);
      p++;
    }
    return avalanche(h);
  }

  /** Hashes the UTF-16LE bytes of {@code s} without copying them. */
  public static long hash(CharSequence s, long seed) {
    int n = s.length();
    int len = n * 2;
    int c = 0;
    long h;
    if (len >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      int limit = n - 16;
      do {
        v1 = round(v1, chars4(s, c));
        v2 = round(v2, chars4(s, c + 4));
        v3 = round(v3, chars4(s, c + 8));
        v4 = round(v4, chars4(s, c + 12));
        c += 16;
      } while (c <= limit);
      h = converge(v1, v2, v3, v4);
    } else {
      h = seed + P5;
    }
    h += len;
    while (c + 4 <= n) {
      h = mix8(h, chars4(s, c));
      c += 4;
    }
    if (c + 2 <= n) {
      h = mix4(h, s.charAt(c) | (s.charAt(c + 1) << 16));
      c += 2;
    }
    if (c < n) {
      char ch = s.charAt(c);
      h = mix1(h, ch & 0xFF);
      h = mix1(h, ch >>> 8);
    }
    return avalanche(h);
  }

  /** Hashes the 4 little-endian bytes of {@code value}. */
  public static long hashInt(int value, long seed) {
    return avalanche(mix4(seed + P5 + 4, value));
  }

  /** Hashes the 8 little-endian bytes of {@code value}. */
  public static long hashLong(long value, long seed) {
    return avalanche(mix8(seed + P5 + 8, value));
  }

  private static long chars4(CharSequence s, int c) {
    return (long) s.charAt(c)
        | ((long) s.charAt(c + 1) << 16)
        | ((long) s.charAt(c + 2) << 32)
        | ((long) s.charAt(c + 3) << 48);
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long merge(long acc, long v) {
    acc ^= round(0, v);
    return acc * P1 + P4;
  }

  private static long converge(long v1, long v2, long v3, long v4) {
    long h =
        Long.rotateLeft(v1, 1)
            + Long.rotateLeft(v2, 7)
            + Long.rotateLeft(v3, 12)
            + Long.rotateLeft(v4, 18);
    h = merge(h, v1);
    h = merge(h, v2);
    h = merge(h, v3);
    return merge(h, v4);
  }

  private static long mix8(long h, long k) {
    h ^= round(0, k);
    return Long.rotateLeft(h, 27) * P1 + P4;
  }

  private static long mix4(long h, int k) {
    h ^= (k & 0xFFFFFFFFL) * P1;
    return Long.rotateLeft(h, 23) * P2 + P3;
  }

  private static long mix1(long h, int b) {
    h ^= b * P5;
    return Long.rotateLeft(h, 11) * P1;
  }

  private static long avalanche(long h) {
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    return h ^ (h >>> 32);
  }
}

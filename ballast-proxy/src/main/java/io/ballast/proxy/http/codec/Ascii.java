package io.ballast.proxy.http.codec;

import java.nio.charset.StandardCharsets;

/** Byte-level helpers for parsing HTTP heads in place. */
final class Ascii {
  private Ascii() {}

  /** RFC 9110 tchar: the characters allowed in methods and header names. */
  static final boolean[] TCHAR = new boolean[256];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Case-insensitive comparison of b[start..end) with a lower-case ASCII name. */
  static boolean equalsLower(byte[] b, int start, int end, byte[] lower) {
    if (end - start != lower.length) {
      return false;
    }
    for (int i = 0; i < lower.length; i++) {
      int c = b[start + i];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower[i]) {
        return false;
      }
    }
    return true;
  }

  /** Case-insensitive comparison of b[start..end) with a char sequence. */
  static boolean equalsIgnoreCase(byte[] b, int start, int end, CharSequence s) {
    if (end - start != s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      int c = b[start + i] & 0xff;
      int d = s.charAt(i);
      if (c != d) {
        if (c >= 'A' && c <= 'Z') {
          c += 32;
        }
        if (d >= 'A' && d <= 'Z') {
          d += 32;
        }
        if (c != d) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean isOws(int c) {
    return c == ' ' || c == '\t';
  }
}

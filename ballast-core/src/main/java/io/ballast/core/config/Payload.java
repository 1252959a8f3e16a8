package io.ballast.core.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bytes a health check sends ({@code send:}, {@code agent-send:}), written as text with escapes:
 * {@code "PING\r\n"}, {@code "\x00\x01"}. Text is sent as UTF-8; {@code \xHH} is one raw byte.
 * Immutable.
 *
 * <p>Accepted escapes: {@code \r}, {@code \n}, {@code \t}, {@code \0}, {@code \\} and {@code \xHH}.
 * (A YAML double-quoted string already turns {@code \r\n} into the characters; single-quoted and
 * plain strings keep the backslashes, and this class decodes them.)
 */
public final class Payload {
  /** Nothing to send. */
  public static final Payload EMPTY = new Payload(new byte[0], "");

  private final byte[] bytes;
  private final String text;

  private Payload(byte[] bytes, String text) {
    this.bytes = bytes;
    this.text = text;
  }

  /**
   * Decodes {@code text} with its escapes.
   *
   * @throws IllegalArgumentException for an unknown or incomplete escape
   */
  public static Payload parse(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    StringBuilder plain = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '\\') {
        plain.append(c);
        i++;
        continue;
      }
      flush(plain, out);
      if (i + 1 >= text.length()) {
        throw badEscape("\\");
      }
      char e = text.charAt(i + 1);
      switch (e) {
        case 'r' -> out.write('\r');
        case 'n' -> out.write('\n');
        case 't' -> out.write('\t');
        case '0' -> out.write(0);
        case '\\' -> out.write('\\');
        case 'x' -> {
          if (i + 3 >= text.length()) {
            throw badEscape(text.substring(i));
          }
          int hi = Character.digit(text.charAt(i + 2), 16);
          int lo = Character.digit(text.charAt(i + 3), 16);
          if (hi < 0 || lo < 0) {
            throw badEscape(text.substring(i, i + 4));
          }
          out.write(hi * 16 + lo);
          i += 2;
        }
        default -> throw badEscape("\\" + e);
      }
      i += 2;
    }
    flush(plain, out);
    byte[] bytes = out.toByteArray();
    return bytes.length == 0 ? EMPTY : new Payload(bytes, text);
  }

  /** A copy of the bytes to send. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Number of bytes. */
  public int length() {
    return bytes.length;
  }

  /** Whether there is nothing to send. */
  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /** As written in the config. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Payload other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  private static void flush(StringBuilder plain, ByteArrayOutputStream out) {
    if (!plain.isEmpty()) {
      out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
      plain.setLength(0);
    }
  }

  private static IllegalArgumentException badEscape(String escape) {
    return new IllegalArgumentException(
        "'" + escape + "' is not an escape (use \\r, \\n, \\t, \\0, \\\\ or \\xHH)");
  }
}

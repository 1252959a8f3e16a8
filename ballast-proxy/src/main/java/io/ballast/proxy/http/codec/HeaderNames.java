package io.ballast.proxy.http.codec;

/** Lower-case ASCII header names the codec recognizes. */
final class HeaderNames {
  private HeaderNames() {}

  static final byte[] CONTENT_LENGTH = Ascii.bytes("content-length");
  static final byte[] TRANSFER_ENCODING = Ascii.bytes("transfer-encoding");
  static final byte[] CONNECTION = Ascii.bytes("connection");
  static final byte[] HOST = Ascii.bytes("host");
  static final byte[] EXPECT = Ascii.bytes("expect");
  static final byte[] UPGRADE = Ascii.bytes("upgrade");
  static final byte[] KEEP_ALIVE = Ascii.bytes("keep-alive");
  static final byte[] PROXY_CONNECTION = Ascii.bytes("proxy-connection");
  static final byte[] TE = Ascii.bytes("te");
  static final byte[] COOKIE = Ascii.bytes("cookie");
  static final byte[] X_FORWARDED_FOR = Ascii.bytes("x-forwarded-for");
  static final byte[] X_FORWARDED_PROTO = Ascii.bytes("x-forwarded-proto");
  static final byte[] X_FORWARDED_HOST = Ascii.bytes("x-forwarded-host");
  static final byte[] FORWARDED = Ascii.bytes("forwarded");

  static final byte[] CLOSE = Ascii.bytes("close");
  static final byte[] CHUNKED = Ascii.bytes("chunked");
  static final byte[] CONTINUE_100 = Ascii.bytes("100-continue");
}

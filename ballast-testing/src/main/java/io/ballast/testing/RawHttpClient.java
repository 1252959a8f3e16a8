package io.ballast.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A blocking HTTP/1.1 client over a plain socket, for tests that need exact bytes on the wire:
 * pipelining, malformed requests, HTTP/1.0, connection reuse. Every read has a timeout, so a server
 * that hangs fails the test instead of blocking it.
 */
public final class RawHttpClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** Connects to 127.0.0.1:port with a 10 s read timeout. */
  public RawHttpClient(int port) throws IOException {
    this(port, 10_000);
  }

  /** Connects to 127.0.0.1:port with the given read timeout. */
  public RawHttpClient(int port, int readTimeoutMillis) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(readTimeoutMillis);
    socket.setTcpNoDelay(true);
    // Buffered: reading a response byte by byte from the socket would cost a syscall per byte.
    in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  /** Sends text (use \r\n line ends) as ISO-8859-1 bytes. */
  public RawHttpClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends raw bytes. */
  public RawHttpClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Half-closes the connection (no more requests). */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** Reads one response; {@code head} true when it answers a HEAD request (no body). */
  public Response read(boolean head) throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers
          .computeIfAbsent(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    byte[] body;
    String te = first(headers, "transfer-encoding");
    String cl = first(headers, "content-length");
    if (head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
      body = new byte[0];
    } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = readChunked();
    } else if (cl != null) {
      body = in.readNBytes(Integer.parseInt(cl));
    } else {
      body = in.readAllBytes();
    }
    return new Response(statusLine, status, headers, body);
  }

  /** Reads one response to a non-HEAD request. */
  public Response read() throws IOException {
    return read(false);
  }

  /** Reads exactly n raw bytes (after an upgrade, say). */
  public byte[] readBytes(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new IOException("connection closed after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  /** Whether the server closed the connection (reads EOF within the timeout). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
      if (size == 0) {
        String l;
        while ((l = readLine()) != null && !l.isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] b = line.toByteArray();
        int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null ? null : v.get(0);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /**
   * A response as read off the wire.
   *
   * @param statusLine the status line
   * @param status the status code
   * @param headers fields by lower-case name
   * @param body the body (de-chunked)
   */
  public record Response(
      String statusLine, int status, Map<String, List<String>> headers, byte[] body) {

    /** The first value of a header, or {@code null}. */
    public String header(String name) {
      return first(headers, name.toLowerCase(Locale.ROOT));
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}

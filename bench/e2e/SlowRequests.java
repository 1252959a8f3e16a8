import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A closed-loop HTTP/1.1 client (one thread, NIO, keep-alive) that logs every request slower than a
 * threshold with its start time and connection, and gives percentiles over the whole run and after
 * its first second. Run by bench/e2e/slow-requests with the JDK's source launcher (no build):
 * java SlowRequests.java PORT CONNECTIONS SECONDS SLOW_MS, with -Dresp=N the exact response size.
 */
public class SlowRequests {
  static final class Conn {
    int id;
    SocketChannel ch;
    long start;
    int got;
  }

  public static void main(String[] a) throws Exception {
    if (a.length != 4 || RESP <= 0) {
      System.err.println("usage: java -Dresp=BYTES SlowRequests.java PORT CONNECTIONS SECONDS SLOW_MS");
      System.exit(2);
    }
    int port = Integer.parseInt(a[0]);
    int conns = Integer.parseInt(a[1]);
    long secs = Long.parseLong(a[2]);
    long slowMs = Long.parseLong(a[3]);
    byte[] req = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    Selector sel = Selector.open();
    Conn[] cs = new Conn[conns];
    for (int i = 0; i < conns; i++) {
      Conn c = new Conn();
      c.id = i;
      c.ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      c.ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      c.ch.configureBlocking(false);
      c.ch.register(sel, SelectionKey.OP_READ, c);
      cs[i] = c;
    }
    ByteBuffer rb = ByteBuffer.allocateDirect(65536);
    ByteBuffer wb = ByteBuffer.allocateDirect(req.length);
    long t0 = System.nanoTime();
    long end = t0 + secs * 1_000_000_000L;
    for (Conn c : cs) {
      send(c, wb, req);
    }
    long n = 0;
    long[] lat = new long[1 << 22];
    long[] steady = new long[1 << 22];
    long m = 0;
    List<String> slow = new ArrayList<>();
    while (System.nanoTime() < end) {
      sel.select(100);
      for (SelectionKey k : sel.selectedKeys()) {
        Conn c = (Conn) k.attachment();
        rb.clear();
        int r = c.ch.read(rb);
        if (r < 0) throw new IllegalStateException("closed " + c.id);
        // Every response here has the same size (-Dresp): a response is complete after that
        // many bytes, so nothing needs parsing.
        c.got += r;
        if (c.got >= RESP) {
          c.got -= RESP;
          long now = System.nanoTime();
          long l = now - c.start;
          if (n < lat.length) lat[(int) n] = l;
          n++;
          if (c.start - t0 > 1_000_000_000L && m < steady.length) steady[(int) m++] = l;
          if (l > slowMs * 1_000_000L) {
            slow.add(String.format("t=%.3f conn=%d lat=%.1fms", (c.start - t0) / 1e9, c.id, l / 1e6));
          }
          send(c, wb, req);
        }
      }
      sel.selectedKeys().clear();
    }
    long[] s = Arrays.copyOf(lat, (int) Math.min(n, lat.length));
    Arrays.sort(s);
    System.out.printf("requests=%d rps=%.0f p50=%.2f p99=%.2f p999=%.2f max=%.2f slow=%d%n", n, n / (double) secs,
        s[s.length / 2] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s[(int) (s.length * 0.999)] / 1e6, s[s.length - 1] / 1e6, slow.size());
    long[] q = Arrays.copyOf(steady, (int) m);
    Arrays.sort(q);
    System.out.printf("after 1s: requests=%d p50=%.2f p99=%.2f p999=%.2f max=%.2f%n", m,
        q[q.length / 2] / 1e6, q[(int) (q.length * 0.99)] / 1e6, q[(int) (q.length * 0.999)] / 1e6, q[q.length - 1] / 1e6);
    for (String x : slow) System.out.println(x);
  }

  static final int RESP = Integer.getInteger("resp", 0);

  static void send(Conn c, ByteBuffer wb, byte[] req) throws Exception {
    wb.clear();
    wb.put(req);
    wb.flip();
    c.start = System.nanoTime();
    while (wb.hasRemaining()) c.ch.write(wb);
  }
}

package io.ballast.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load: N client connections, each sending GETs back to back on keep-alive, through a
 * real socket. Counts successes (2xx), failures (any other status, a reset, a timeout) and which
 * backend answered. A connection the server closes cleanly after a response is reopened, not
 * counted as a failure. Bounded: it stops on {@link #stop()} or after {@code maxSeconds}.
 */
public final class LoadLoop implements AutoCloseable {
  private final int port;
  private final String path;
  private final ExecutorService threads;
  private final List<Future<?>> clients = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final LongAdder ok = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> byBackend = new ConcurrentHashMap<>();
  private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong lastFailureNanos = new AtomicLong();
  private final long deadlineNanos;

  private LoadLoop(int port, int connections, String path, int maxSeconds) {
    this.port = port;
    this.path = path;
    this.threads = Executors.newFixedThreadPool(connections);
    this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    for (int i = 0; i < connections; i++) {
      clients.add(threads.submit(this::run));
    }
  }

  /** Starts {@code connections} clients against 127.0.0.1:port, for at most {@code maxSeconds}. */
  public static LoadLoop start(int port, int connections, String path, int maxSeconds) {
    return new LoadLoop(port, connections, path, maxSeconds);
  }

  private void run() {
    RawHttpClient c = null;
    String request = "GET " + path + " HTTP/1.1\r\nHost: load\r\n\r\n";
    while (!stop.get() && System.nanoTime() < deadlineNanos) {
      try {
        if (c == null) {
          c = new RawHttpClient(port, 15_000);
        }
        c.send(request);
        RawHttpClient.Response r = c.read();
        if (r.status() >= 200 && r.status() < 300) {
          ok.increment();
          String b = r.header("X-Backend");
          if (b != null) {
            byBackend.computeIfAbsent(b, k -> new LongAdder()).increment();
          }
        } else {
          fail("HTTP " + r.status() + ": " + r.text().strip());
        }
        if ("close".equalsIgnoreCase(r.header("Connection"))) {
          c.close();
          c = null;
        }
      } catch (IOException e) {
        fail(e.toString());
        if (c != null) {
          try {
            c.close();
          } catch (IOException ignored) {
            // already broken
          }
        }
        c = null;
      }
    }
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void fail(String what) {
    failed.increment();
    lastFailureNanos.set(System.nanoTime());
    if (failures.size() < 20) {
      failures.add(what);
    }
  }

  /** Successful requests so far. */
  public long ok() {
    return ok.sum();
  }

  /** Failed requests so far. */
  public long failed() {
    return failed.sum();
  }

  /** Successful requests answered by a backend (by its X-Backend id). */
  public long servedBy(String backend) {
    LongAdder a = byBackend.get(backend);
    return a == null ? 0 : a.sum();
  }

  /** The first failures, for assertion messages. */
  public List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** Stops the clients and waits for them. */
  public void stop() {
    stop.set(true);
    try {
      for (Future<?> f : clients) {
        f.get(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("load client failed", e);
    } finally {
      threads.shutdownNow();
    }
  }

  @Override
  public void close() {
    stop();
  }
}

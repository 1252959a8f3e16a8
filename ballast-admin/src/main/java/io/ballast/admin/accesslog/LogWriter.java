package io.ballast.admin.accesslog;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log target (stdout or a file): a bounded lock-free queue that event loops offer lines to, and
 * one thread that writes them. Offering never blocks: when the queue is full the line is dropped
 * and counted. The writer batches lines into a buffer and writes it when the buffer is full or the
 * queue runs dry, so a burst costs one system call per buffer, and a quiet log is flushed at once.
 *
 * <p>A failed write (disk full, a closed pipe) drops the lines of that buffer, counts them, and is
 * logged once per minute at most; the writer keeps going. {@link #reopen} (SIGUSR1) makes the
 * writer close and reopen a file, so logrotate can move it away.
 */
final class LogWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LogWriter.class);

  /** How long the writer sleeps when the queue is empty. */
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private static final int BUFFER_BYTES = 64 * 1024;
  private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** Opens a target for appending. */
  @FunctionalInterface
  interface Opener {
    OutputStream open() throws IOException;
  }

  final String target;
  final int capacity;
  final TargetCounters counters;
  private final Opener opener;
  private final boolean reopenable;
  private final Queue<String> queue;
  private final Thread thread;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int buffered;
  private volatile int bufferedLines; // read by pending(); only the writer thread writes it
  private OutputStream out;
  private volatile boolean reopenRequested;
  private volatile boolean stopping;
  private long lastErrorLogNanos;

  /**
   * Opens the target now (so a bad path fails the caller) and starts the writer thread.
   *
   * @throws IOException when the target cannot be opened
   */
  LogWriter(String target, int capacity, Opener opener, boolean reopenable, TargetCounters counters)
      throws IOException {
    this.target = target;
    this.capacity = capacity;
    this.opener = opener;
    this.reopenable = reopenable;
    this.counters = counters;
    this.queue = PlatformDependent.newFixedMpscQueue(Math.max(2, capacity));
    this.out = opener.open();
    this.thread = new Thread(this, "ballast-access-log");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a line; never blocks. Called on event loops. */
  void offer(String line) {
    if (!queue.offer(line)) {
      counters.droppedFull.increment();
    }
  }

  /** Asks the writer to close and reopen the file (logrotate's SIGUSR1). */
  void reopen() {
    reopenRequested = true;
    LockSupport.unpark(thread);
  }

  /** Lines neither written nor dropped yet: queued, or taken by the writer and not yet out. */
  int pending() {
    return queue.size() + bufferedLines;
  }

  /**
   * Writes what is queued, closes the target and ends the thread, waiting at most {@code
   * waitMillis} (a writer stuck on a full pipe is left behind: it is a daemon).
   */
  void stop(long waitMillis) {
    stopping = true;
    LockSupport.unpark(thread);
    try {
      thread.join(waitMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    try {
      while (true) {
        String line = queue.poll();
        if (line != null) {
          append(line);
          continue;
        }
        flush();
        if (reopenRequested) {
          reopenNow();
        }
        if (stopping) {
          if (queue.isEmpty()) {
            break;
          }
          continue;
        }
        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
      }
    } finally {
      closeQuietly();
    }
  }

  private void append(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int needed = bytes.length + 1; // and the newline
    if (buffered + needed > buffer.length) {
      flush();
      if (reopenRequested) {
        reopenNow(); // under constant load the queue never runs dry; rotate between buffers
      }
    }
    if (needed > buffer.length) {
      byte[] whole = java.util.Arrays.copyOf(bytes, needed);
      whole[bytes.length] = '\n';
      bufferedLines = 1;
      write(whole, needed, 1);
      bufferedLines = 0;
      return;
    }
    System.arraycopy(bytes, 0, buffer, buffered, bytes.length);
    buffered += bytes.length;
    buffer[buffered++] = '\n';
    bufferedLines++;
  }

  private void flush() {
    if (buffered == 0) {
      return;
    }
    write(buffer, buffered, bufferedLines);
    buffered = 0;
    bufferedLines = 0;
  }

  private void write(byte[] bytes, int length, int lines) {
    try {
      if (out == null) {
        throw new IOException("not open");
      }
      out.write(bytes, 0, length);
      out.flush();
      counters.written.add(lines);
    } catch (IOException e) {
      counters.droppedWriteError.add(lines);
      long now = System.nanoTime();
      if (lastErrorLogNanos == 0 || now - lastErrorLogNanos > ERROR_LOG_INTERVAL_NANOS) {
        lastErrorLogNanos = now;
        log.warn("access log {}: write failed, lines dropped: {}", target, e.toString());
      }
    }
  }

  private void reopenNow() {
    reopenRequested = false;
    if (!reopenable) {
      return;
    }
    closeQuietly();
    try {
      out = opener.open();
      log.info("access log {}: reopened", target);
    } catch (IOException e) {
      out = null;
      log.warn("access log {}: cannot reopen: {}", target, e.toString());
    }
  }

  private void closeQuietly() {
    OutputStream o = out;
    out = null;
    if (o == null) {
      return;
    }
    try {
      if (reopenable) {
        o.close();
      } else {
        o.flush(); // stdout stays open
      }
    } catch (IOException e) {
      log.debug("access log {}: close failed: {}", target, e.toString());
    }
  }
}

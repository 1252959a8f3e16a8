package io.ballast.admin.accesslog;

import io.netty.util.internal.PlatformDependent;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log target (stdout or a file): a bounded lock-free queue that event loops offer lines to, and
 * one thread that writes them. Offering never blocks: when the queue is full the line is dropped
 * and counted. Lines arrive as the bytes to write (see {@link LineFormatter}); the writer copies
 * them into a buffer and writes it when the buffer is full or the queue runs dry, so a burst costs
 * one system call per buffer. With the queue empty it sleeps 2 to 10 ms (longer when lines are few
 * for the queue's size), so a line is out within about 10 ms and a busy log wakes the writer
 * seldom.
 *
 * <p>A failed write (disk full, a closed pipe) drops the lines of that buffer, counts them, and is
 * logged once per minute at most; the writer keeps going. {@link #reopen} (SIGUSR1) makes the
 * writer close and reopen a file, so logrotate can move it away.
 */
final class LogWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LogWriter.class);

  /**
   * How long the writer sleeps when the queue is empty: the longest while lines are not arriving
   * fast enough to fill a quarter of the queue meanwhile (fewer wake-ups and larger writes on a
   * core the event loop shares), shorter down to the least when they are.
   */
  private static final long MIN_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

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
  private final Queue<byte[]> queue;
  private final Thread thread;
  // Direct: a file or stdout is written from it without the copy FileOutputStream.write makes.
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
  private byte[] heapCopy; // for other streams (tests)
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

  /** Queues a line (its bytes and the newline, see {@link LineFormatter}); never blocks. */
  void offer(byte[] line) {
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
      long cycleStart = System.nanoTime();
      long cycleLines = 0;
      while (true) {
        byte[] line = queue.poll();
        if (line != null) {
          append(line);
          cycleLines++;
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
        long now = System.nanoTime();
        LockSupport.parkNanos(this, parkNanos(cycleLines, now - cycleStart));
        cycleStart = now;
        cycleLines = 0;
      }
    } finally {
      closeQuietly();
    }
  }

  /** Sleep so that, at the rate of the last cycle, a quarter of the queue fills meanwhile. */
  private long parkNanos(long lines, long elapsedNanos) {
    if (lines == 0) {
      return MAX_PARK_NANOS;
    }
    double perLine = (double) elapsedNanos / lines;
    long nanos = (long) (perLine * Math.max(1, capacity / 4));
    return Math.max(MIN_PARK_NANOS, Math.min(MAX_PARK_NANOS, nanos));
  }

  private void append(byte[] line) {
    int needed = line.length; // the newline included
    if (needed > buffer.remaining()) {
      flush();
      if (reopenRequested) {
        reopenNow(); // under constant load the queue never runs dry; rotate between buffers
      }
    }
    if (needed > buffer.capacity()) {
      bufferedLines = 1;
      write(ByteBuffer.wrap(line), 1);
      bufferedLines = 0;
      return;
    }
    buffer.put(line);
    bufferedLines++;
  }

  private void flush() {
    if (buffer.position() == 0) {
      return;
    }
    buffer.flip();
    write(buffer, bufferedLines);
    buffer.clear();
    bufferedLines = 0;
  }

  private void write(ByteBuffer bytes, int lines) {
    try {
      OutputStream o = out;
      if (o == null) {
        throw new IOException("not open");
      }
      FileChannel channel =
          o instanceof FileStream f
              ? f.channel
              : o instanceof FileOutputStream f ? f.getChannel() : null;
      if (channel != null) {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      } else {
        int n = bytes.remaining();
        if (heapCopy == null || heapCopy.length < n) {
          heapCopy = new byte[Math.max(n, BUFFER_BYTES)];
        }
        bytes.get(heapCopy, 0, n);
        o.write(heapCopy, 0, n);
        o.flush();
      }
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

  /** A file opened for appending, written through its channel (see {@link #write}). */
  static final class FileStream extends OutputStream {
    final FileChannel channel;

    FileStream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer bb = ByteBuffer.wrap(b, off, len);
      while (bb.hasRemaining()) {
        channel.write(bb);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}

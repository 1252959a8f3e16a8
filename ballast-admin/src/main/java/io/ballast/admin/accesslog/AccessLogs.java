package io.ballast.admin.accesslog;

import io.ballast.core.config.AccessLogConfig;
import io.ballast.core.config.ListenerConfig;
import io.ballast.core.world.ControlPlane;
import io.ballast.core.world.ListenerView;
import io.ballast.core.world.Snapshot;
import io.ballast.proxy.observe.ExchangeRecord;
import io.ballast.proxy.observe.ListenerObserver;
import io.ballast.proxy.observe.TrafficObserver;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access logs of every listener, configured by {@code listeners[].access-log} and re-configured on
 * every published snapshot (so a reload turns a log on, off or elsewhere without a restart).
 *
 * <p>The event loop that finished a request formats its line (see {@link LineFormatter}) and offers
 * it to the target's bounded queue; one writer thread per target (stdout, or a file shared by the
 * listeners that name it) writes. A full queue drops the line and counts it ({@code
 * ballast_access_log_dropped_total}): a slow disk or a stuck stdout never slows the proxy. {@link
 * #reopen} (SIGUSR1) reopens files for logrotate.
 */
public final class AccessLogs implements TrafficObserver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccessLogs.class);

  /** How long {@link #close} waits for each writer to write what is queued. */
  private static final long CLOSE_WAIT_MILLIS = 2000;

  private final ControlPlane controlPlane;
  private final Function<AccessLogConfig, LogWriter.Opener> openers;
  private final Map<String, ListenerLog> listeners = new LinkedHashMap<>();
  private final Map<String, LogWriter> writers = new LinkedHashMap<>();
  private final ConcurrentHashMap<String, TargetCounters> counters = new ConcurrentHashMap<>();
  private boolean closed;
  private boolean started;

  /**
   * Access logs that follow the control plane's snapshots.
   *
   * @throws IllegalStateException naming the listener when a log file cannot be opened
   */
  public AccessLogs(ControlPlane controlPlane) {
    this(controlPlane, AccessLogs::defaultOpener);
  }

  /** With another way to open targets (tests: a stream that never drains). */
  AccessLogs(ControlPlane controlPlane, Function<AccessLogConfig, LogWriter.Opener> openers) {
    this.controlPlane = Objects.requireNonNull(controlPlane);
    this.openers = Objects.requireNonNull(openers);
    Snapshot s = controlPlane.current();
    if (s != null) {
      // Open every configured target now, so a bad path fails the node's start.
      for (ListenerConfig lc : s.config().listeners()) {
        listener(lc.name());
      }
    }
    controlPlane.addListener((previous, next) -> reconfigure(next, false));
  }

  private static LogWriter.Opener defaultOpener(AccessLogConfig c) {
    Path file = c.file();
    if (file == null) {
      // FileDescriptor.out, not System.out: a PrintStream hides write errors.
      return () -> new FileOutputStream(FileDescriptor.out);
    }
    return () ->
        new LogWriter.FileStream(
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.WRITE));
  }

  @Override
  public synchronized ListenerObserver listener(String name) {
    ListenerLog l = listeners.get(name);
    if (l == null) {
      l = new ListenerLog(name);
      listeners.put(name, l);
      Snapshot s = controlPlane.current();
      if (s != null) {
        // At start a bad file stops the node; a listener added later by a reload still binds.
        reconfigure(s, !started);
      }
    }
    return l;
  }

  /**
   * The node is up: from now on a log that cannot be opened is logged and skipped instead of
   * failing (a reload must not stop a new listener from binding).
   */
  public synchronized void started() {
    started = true;
  }

  /** Reopens every file (SIGUSR1, after logrotate moved them). */
  public synchronized void reopen() {
    for (LogWriter w : writers.values()) {
      w.reopen();
    }
  }

  /** Lines dropped so far (queue full or write failed), across targets. */
  public long dropped() {
    long n = 0;
    for (TargetCounters c : counters.values()) {
      n += c.droppedFull.sum() + c.droppedWriteError.sum();
    }
    return n;
  }

  /** Lines written so far, across targets. */
  public long written() {
    long n = 0;
    for (TargetCounters c : counters.values()) {
      n += c.written.sum();
    }
    return n;
  }

  /** Lines neither written nor dropped yet (queued, or being written). */
  public synchronized int pending() {
    int n = 0;
    for (LogWriter w : writers.values()) {
      n += w.pending();
    }
    return n;
  }

  /**
   * {@code ballast_access_log_lines_total{log}} and {@code
   * ballast_access_log_dropped_total{log,reason}} ({@code queue-full} or {@code write-error}).
   */
  public MultiCollector collector() {
    return () -> {
      CounterSnapshot.Builder lines =
          CounterSnapshot.builder()
              .name("ballast_access_log_lines")
              .help("Access-log lines written, per log (stdout or a file).");
      CounterSnapshot.Builder dropped =
          CounterSnapshot.builder()
              .name("ballast_access_log_dropped")
              .help(
                  "Access-log lines dropped: queue-full (the writer fell behind; the proxy never"
                      + " waits for it) or write-error.");
      counters.forEach(
          (target, c) -> {
            Labels l = Labels.of("log", target);
            lines.dataPoint(point(c.written.sum(), l));
            dropped.dataPoint(point(c.droppedFull.sum(), l.add("reason", "queue-full")));
            dropped.dataPoint(point(c.droppedWriteError.sum(), l.add("reason", "write-error")));
          });
      return MetricSnapshots.of(lines.build(), dropped.build());
    };
  }

  private static CounterDataPointSnapshot point(long v, Labels l) {
    return CounterDataPointSnapshot.builder().value(v).labels(l).build();
  }

  /**
   * Points every listener at the log its config names: one writer per target, with the largest
   * buffer any listener asks of it; new targets are opened, unused writers stopped.
   *
   * @param strict throw when a target cannot be opened (at start); otherwise log it and leave the
   *     listeners that wanted it as they were (a reload)
   */
  private synchronized void reconfigure(Snapshot s, boolean strict) {
    if (closed) {
      return;
    }
    Map<ListenerLog, AccessLogConfig> wanted = new LinkedHashMap<>();
    Map<String, Integer> capacity = new LinkedHashMap<>();
    Map<String, AccessLogConfig> example = new LinkedHashMap<>();
    for (ListenerLog l : listeners.values()) {
      ListenerView v = s.listener(l.name);
      AccessLogConfig want = v == null ? AccessLogConfig.OFF : v.config().accessLog();
      wanted.put(l, want);
      if (want.enabled()) {
        capacity.merge(want.target(), want.buffer(), Math::max);
        example.putIfAbsent(want.target(), want);
      }
    }
    Map<String, LogWriter> next = new LinkedHashMap<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : capacity.entrySet()) {
      String target = e.getKey();
      LogWriter current = writers.get(target);
      if (current != null && current.capacity == e.getValue()) {
        next.put(target, current);
        continue;
      }
      try {
        AccessLogConfig c = example.get(target);
        next.put(
            target,
            new LogWriter(
                target,
                e.getValue(),
                openers.apply(c),
                c.file() != null,
                counters.computeIfAbsent(target, t -> new TargetCounters())));
      } catch (IOException | RuntimeException ex) {
        if (strict) {
          // Nothing opened here is used yet: stop what this call created.
          next.values().stream().filter(w -> !writers.containsValue(w)).forEach(AccessLogs::retire);
          String listener =
              wanted.entrySet().stream()
                  .filter(w -> w.getValue().enabled() && w.getValue().target().equals(target))
                  .map(w -> w.getKey().name)
                  .findFirst()
                  .orElse("?");
          throw new IllegalStateException(
              "listener '"
                  + listener
                  + "': access-log.to "
                  + target
                  + ": cannot open it: "
                  + ex.getMessage(),
              ex);
        }
        failed.put(target, ex.getMessage());
        if (current != null) {
          next.put(target, current); // keep the old buffer size rather than lose the log
        }
      }
    }
    for (Map.Entry<ListenerLog, AccessLogConfig> e : wanted.entrySet()) {
      ListenerLog l = e.getKey();
      AccessLogConfig want = e.getValue();
      if (!want.enabled()) {
        if (l.sink != null) {
          log.info("listener '{}': access log off", l.name);
        }
        l.configure(want, null);
        continue;
      }
      LogWriter w = next.get(want.target());
      if (w == null) {
        log.error(
            "listener '{}': access-log.to {}: cannot open it: {}; the listener's access log is"
                + " unchanged",
            l.name,
            want.target(),
            failed.get(want.target()));
        Sink old = l.sink;
        if (old != null) {
          LogWriter there = next.putIfAbsent(old.writer().target, old.writer());
          if (there != null && there != old.writer()) {
            l.configure(l.config, new Sink(old.format(), there));
          }
        }
        continue;
      }
      Sink old = l.sink;
      if (old == null || old.writer() != w || old.format() != want.format()) {
        l.configure(want, new Sink(want.format(), w));
        log.info(
            "listener '{}': access log ({}) to {}",
            l.name,
            want.format().name().toLowerCase(java.util.Locale.ROOT),
            want.target());
      }
    }
    // Writers nobody points at any more: let them finish what is queued and stop.
    Set<LogWriter> kept = new HashSet<>(next.values());
    for (LogWriter w : writers.values()) {
      if (!kept.contains(w)) {
        retire(w);
      }
    }
    writers.clear();
    writers.putAll(next);
  }

  private static void retire(LogWriter w) {
    // Off the control thread: a writer stuck on a full pipe must not hold up a reload.
    Thread t = new Thread(() -> w.stop(CLOSE_WAIT_MILLIS), "ballast-access-log-retire");
    t.setDaemon(true);
    t.start();
  }

  /** Stops every writer after it wrote what is queued (bounded wait). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ListenerLog l : listeners.values()) {
      l.configure(AccessLogConfig.OFF, null);
    }
    for (LogWriter w : writers.values()) {
      w.stop(CLOSE_WAIT_MILLIS);
    }
    writers.clear();
  }

  /** Where one listener's lines go and in which format. */
  private record Sink(AccessLogConfig.Format format, LogWriter writer) {}

  /** The access-log observer of one listener; its sink changes with the config. */
  private static final class ListenerLog implements ListenerObserver {
    final String name;
    volatile Sink sink;
    volatile boolean wantsHeaders;
    AccessLogConfig config; // guarded by AccessLogs.this

    ListenerLog(String name) {
      this.name = name;
    }

    void configure(AccessLogConfig c, Sink s) {
      config = c;
      wantsHeaders = s != null && s.format() != AccessLogConfig.Format.COMMON;
      sink = s;
    }

    @Override
    public boolean wantsRequestHeaders() {
      return wantsHeaders;
    }

    @Override
    public void exchangeCompleted(ExchangeRecord record) {
      Sink s = sink;
      if (s != null) {
        s.writer().offer(LineFormatter.current().format(s.format(), record));
      }
    }
  }

  @Override
  public String toString() {
    return "AccessLogs" + writers.keySet();
  }
}

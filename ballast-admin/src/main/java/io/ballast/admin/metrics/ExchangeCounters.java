package io.ballast.admin.metrics;

import io.ballast.proxy.observe.ExchangeRecord;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters for one listener, pool and backend (backend {@code ""} when a request got none). Found
 * without a map lookup: through the backend's attachment and the listener's index.
 */
final class ExchangeCounters {
  /** Status classes: index 0 is "none" (cut before a status), then 1xx to 5xx. */
  static final String[] CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

  /** Retry reasons the data plane reports; anything else counts as "other". */
  static final String[] RETRY_REASONS = {
    "connect-refused",
    "connect-timeout",
    "upstream-closed",
    "response-timeout",
    "invalid-response",
    "other"
  };

  final String listener;
  final String pool;
  final String backend;
  final LongAdder[] byClass = adders(CLASSES.length);
  final LongAdder bytesIn = new LongAdder();
  final LongAdder bytesOut = new LongAdder();
  final LatencyHistogram firstByte = new LatencyHistogram();
  final LatencyHistogram total = new LatencyHistogram();
  final LatencyHistogram queueWait = new LatencyHistogram();
  final LongAdder[] retries = adders(RETRY_REASONS.length);

  ExchangeCounters(String listener, String pool, String backend) {
    this.listener = listener;
    this.pool = pool;
    this.backend = backend;
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  static int statusClass(int status) {
    if (status <= 0) {
      return 0;
    }
    return Math.max(1, Math.min(5, status / 100));
  }

  void record(ExchangeRecord r) {
    byClass[statusClass(r.status)].increment();
    if (r.bytesIn > 0) {
      bytesIn.add(r.bytesIn);
    }
    if (r.bytesOut > 0) {
      bytesOut.add(r.bytesOut);
    }
    if (r.firstByteNanos > 0) {
      firstByte.observe(r.firstByteNanos);
    }
    total.observe(r.totalNanos);
    if (r.queueNanos > 0) {
      queueWait.observe(r.queueNanos);
    }
  }

  void retried(String reason) {
    String[] known = RETRY_REASONS;
    int last = known.length - 1;
    for (int i = 0; i < last; i++) {
      // The data plane passes its constants, so identity almost always answers.
      if (known[i] == reason || known[i].equals(reason)) {
        retries[i].increment();
        return;
      }
    }
    retries[last].increment();
  }

  long requests() {
    long n = 0;
    for (LongAdder a : byClass) {
      n += a.sum();
    }
    return n;
  }
}

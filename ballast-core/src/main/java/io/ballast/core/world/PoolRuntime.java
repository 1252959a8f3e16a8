package io.ballast.core.world;

import io.ballast.core.config.RetryConfig;
import io.ballast.core.health.OutlierDetector;
import io.ballast.core.health.RetryBudget;
import io.ballast.core.time.Ticker;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pool's long-lived runtime state shared by the control plane and every event loop: the outlier
 * detector the data plane reports outcomes to, the retry budget (one share per event loop), the
 * queue of requests waiting for a backend slot, and the panic flag. It survives snapshots and
 * reloads of the same pool; parts whose settings changed are replaced by the control plane.
 */
public final class PoolRuntime {
  private final String pool;
  private volatile OutlierDetector outlier;
  private volatile RetryBudgets retryBudgets;
  private volatile boolean panic;
  private volatile boolean limited;
  private final LongAdder panicEntries = new LongAdder();
  private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();

  PoolRuntime(String pool) {
    this.pool = pool;
  }

  public String pool() {
    return pool;
  }

  /** The outlier detector, or {@code null} when passive health is off. */
  public OutlierDetector outlier() {
    return outlier;
  }

  void outlier(OutlierDetector detector) {
    this.outlier = detector;
  }

  /**
   * Event loop {@code loop}'s share of the pool's retry budget ({@link RetryBudget#share}), created
   * on first use; {@code null} before the control plane has configured the pool. Every request
   * touches its budget twice, so each loop keeps its own rather than all sharing one set of atomics
   * (157 against 39 ns per request with two cores, {@code bench/jmh RetryBudgetBenchmark}).
   *
   * @param loop the event loop's index, 0..loops-1
   * @param loops the node's event loops
   */
  public RetryBudget retryBudget(int loop, int loops) {
    RetryBudgets b = retryBudgets;
    return b == null ? null : b.forLoop(loop, loops);
  }

  /** Starts fresh budgets for new {@code retries:} settings; unchanged settings keep theirs. */
  void retryConfig(RetryConfig config, Ticker ticker) {
    RetryBudgets b = retryBudgets;
    if (b == null || !b.config.equals(config)) {
      retryBudgets = new RetryBudgets(config, ticker);
    }
  }

  /** The budgets of one {@code retries:} setting, one per event loop. */
  private static final class RetryBudgets {
    final RetryConfig config;
    final Ticker ticker;
    // Sized by the first caller: only the data plane knows how many loops there are.
    private final AtomicReference<AtomicReferenceArray<RetryBudget>> byLoop =
        new AtomicReference<>();

    RetryBudgets(RetryConfig config, Ticker ticker) {
      this.config = config;
      this.ticker = ticker;
    }

    RetryBudget forLoop(int loop, int loops) {
      AtomicReferenceArray<RetryBudget> a = byLoop.get();
      if (a == null) {
        byLoop.compareAndSet(null, new AtomicReferenceArray<>(Math.max(1, loops)));
        a = byLoop.get();
      }
      int i = Math.floorMod(loop, a.length());
      RetryBudget budget = a.get(i);
      if (budget == null) {
        a.compareAndSet(i, null, RetryBudget.share(config, a.length(), ticker));
        budget = a.get(i);
      }
      return budget;
    }
  }

  /**
   * Whether any per-backend limit applies in this pool ({@code limits:} or a backend's own {@code
   * max-connections}): only then does the data plane check capacity and queue.
   */
  public boolean limited() {
    return limited;
  }

  void limited(boolean limited) {
    this.limited = limited;
  }

  /** Whether the pool balances across every backend because too few are healthy. */
  public boolean panic() {
    return panic;
  }

  /** How many times the pool entered panic. */
  public long panicEntries() {
    return panicEntries.sum();
  }

  /** Returns true if this call entered panic (it was not in panic before). */
  boolean panic(boolean inPanic) {
    boolean was = panic;
    panic = inPanic;
    if (inPanic && !was) {
      panicEntries.increment();
    }
    return inPanic != was;
  }

  /**
   * Queues a request that found every backend at its limit; {@code wake} runs (on whatever thread
   * frees a slot) when one may be free. Returns false when {@code maxPending} are already waiting.
   */
  public boolean enqueue(Runnable wake, int maxPending) {
    if (waiting.incrementAndGet() > maxPending) {
      waiting.decrementAndGet();
      return false;
    }
    waiters.add(wake);
    return true;
  }

  /** A slot freed up: wakes the longest-waiting request, if any. Cheap when nobody waits. */
  public void slotFreed() {
    if (waiting.get() == 0) {
      return;
    }
    Runnable w = waiters.poll();
    if (w != null) {
      waiting.decrementAndGet();
      w.run();
    }
  }

  /** Removes a waiter that gave up (timed out, client gone). */
  public void cancel(Runnable wake) {
    if (waiters.remove(wake)) {
      waiting.decrementAndGet();
    }
  }

  /** Requests waiting for a backend slot now. */
  public int queued() {
    return waiting.get();
  }
}

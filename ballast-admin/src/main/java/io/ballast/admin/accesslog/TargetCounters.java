package io.ballast.admin.accesslog;

import java.util.concurrent.atomic.LongAdder;

/** Lines written and dropped for one log target; outlives writers re-created by reloads. */
final class TargetCounters {
  final LongAdder written = new LongAdder();
  final LongAdder droppedFull = new LongAdder();
  final LongAdder droppedWriteError = new LongAdder();
}

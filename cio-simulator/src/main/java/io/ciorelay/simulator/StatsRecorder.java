package io.ciorelay.simulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Collects the counters behind {@link SimulatorStats}. Thread-safe (adders and concurrent maps). */
final class StatsRecorder {
  private final LongAdder total = new LongAdder();
  private final ConcurrentHashMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final SlidingWindow arrivals = new SlidingWindow();
  private final SlidingWindow admitted;
  private final LongAdder withRetryHeader = new LongAdder();
  private final ConcurrentHashMap<Integer, LongAdder> retryCounts = new ConcurrentHashMap<>();
  private final AtomicLong accepted = new AtomicLong();
  private final LongAdder rejected = new LongAdder();

  StatsRecorder(SlidingWindow admitted) {
    this.admitted = admitted;
  }

  /** Counts an arriving request; returns its X-Retry-Count (0 when absent, -1 when not a number). */
  int arrival(long nowNanos, String retryCountHeader) {
    total.increment();
    arrivals.record(nowNanos);
    if (retryCountHeader == null) {
      return 0;
    }
    withRetryHeader.increment();
    int n;
    try {
      n = Integer.parseInt(retryCountHeader.trim());
    } catch (NumberFormatException e) {
      n = -1;
    }
    retryCounts.computeIfAbsent(n, k -> new LongAdder()).increment();
    return n;
  }

  void status(int status) {
    byStatus.computeIfAbsent(status, k -> new LongAdder()).increment();
  }

  void dropped() {
    dropped.increment();
  }

  void accepted(int n) {
    accepted.addAndGet(n);
  }

  void rejected(int n) {
    rejected.add(n);
  }

  void clear() {
    total.reset();
    byStatus.clear();
    dropped.reset();
    arrivals.clear();
    admitted.clear();
    withRetryHeader.reset();
    retryCounts.clear();
    accepted.set(0);
    rejected.reset();
  }

  SimulatorStats snapshot(long duplicates) {
    return new SimulatorStats(total.sum(), sums(byStatus), dropped.sum(), arrivals.peak(), admitted.peak(),
        withRetryHeader.sum(), sums(retryCounts), accepted.get(), rejected.sum(), duplicates);
  }

  private static Map<Integer, Long> sums(ConcurrentHashMap<Integer, LongAdder> m) {
    Map<Integer, Long> out = new java.util.HashMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}

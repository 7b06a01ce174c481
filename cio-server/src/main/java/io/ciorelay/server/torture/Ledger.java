package io.ciorelay.server.torture;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the stores under test reported about the workload: every operation whose {@code durable()}
 * completed true (with its event id and when), how many were accepted and refused. Thread-safe.
 */
final class Ledger {
  record Durable(Workload.Op op, String eventId, long atMillis) {}

  private final Map<Long, Durable> durable = new ConcurrentHashMap<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong highestIndex = new AtomicLong(-1);

  /** The store is about to be handed operation {@code index}. */
  void offering(long index) {
    highestIndex.accumulateAndGet(index, Math::max);
  }

  void accepted() {
    accepted.incrementAndGet();
  }

  void refused() {
    refused.incrementAndGet();
  }

  void durable(Workload.Op op, String eventId, long atMillis) {
    durable.put(op.index(), new Durable(op, eventId, atMillis));
  }

  /** The next index to hand out after a restart (indices only grow: they are acceptance order). */
  long nextIndex() {
    return highestIndex.get() + 1;
  }

  List<Durable> durable() {
    return new ArrayList<>(durable.values());
  }

  long acceptedCount() {
    return accepted.get();
  }

  long refusedCount() {
    return refused.get();
  }

  long durableCount() {
    return durable.size();
  }
}

package io.ciorelay.server.torture;

import java.util.List;
import java.util.Random;
import java.util.Set;

/** The stores a run drives: one SQLite child process, or a fleet of stores on one Redis. */
interface Target extends AutoCloseable {
  /** A dead letter as the store holds it: whose, which operation ({@code seq}), the status and reason. */
  record DeadLetterSeen(String person, long seq, int status, String reason) {}

  String name();

  /** The store faults this target can inject. */
  Set<FaultKind> supported();

  /** The number of lanes (SQLite) or shards (Redis) operations are ordered in. */
  default int lanes() {
    return EngineSettings.LANES;
  }

  /** Opens the store(s) and starts feeding the workload. */
  void start() throws Exception;

  /** SQLite: {@code kill -9} of the child, then a new one on the same file. Redis: a Redis restart. Returns when back. */
  void restartStore() throws Exception;

  /** Redis: a store leaves or joins (two to three). */
  void changeMembership(Random random) throws Exception;

  /** Stops feeding; returns when no more operations are handed to the library. */
  void stopFeeding() throws Exception;

  Ledger ledger();

  /** The dead letters in the store now. */
  List<DeadLetterSeen> deadLetters() throws Exception;

  /** What happened to the store(s), for the report. */
  String describeEvents();

  @Override
  void close();
}

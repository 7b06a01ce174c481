package io.ciorelay.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The record of every operation the simulator accepted, in arrival order, with the queries tests
 * need: counts, operations per person, events by name, and duplicates by event id.
 *
 * <p>Like Customer.io, an event (or page, screen) whose {@code id} was already accepted is dropped:
 * it is not recorded again but counted as a duplicate. Events without an {@code id} are never
 * de-duplicated.
 *
 * <p>Bounded window: with a {@code maxRecords} limit (see {@link CioSimulator.Builder#maxRecords})
 * only the newest operations are kept for queries ({@link #all()}, {@link #where}, …); older ones
 * are counted ({@link #evicted()}) and forgotten, and the event ids remembered for de-duplication
 * are bounded the same way (the newest ids, at least as many as the records kept), so a simulator
 * inside a long-lived process uses bounded memory. {@link #count()} counts every operation ever
 * accepted. Without a limit (0, the default) everything is kept — what tests want.
 *
 * <p>Thread-safe: one lock guards the list, so the operations of one request appear contiguously
 * and in request order. Queries copy under the lock and scan without it; they are linear in the
 * record size, which is fine for tests.
 */
public final class Records {
  private final Object lock = new Object();
  private final int maxRecords;
  private final int maxEventIds;
  private ArrayDeque<RecordedOperation> operations = new ArrayDeque<>();
  private Set<String> seenEventIds;
  private HashMap<String, Integer> duplicates = new HashMap<>();
  private long duplicateCount;
  private long total;
  private ArrayList<RecordedOperation> refused = new ArrayList<>();

  Records() {
    this(0, 0);
  }

  /** {@code maxRecords} and {@code maxEventIds}: 0 means unbounded. */
  Records(int maxRecords, int maxEventIds) {
    this.maxRecords = maxRecords;
    this.maxEventIds = maxEventIds;
    this.seenEventIds = newIdSet();
  }

  private Set<String> newIdSet() {
    if (maxEventIds == 0) {
      return new HashSet<>();
    }
    int limit = maxEventIds;
    return Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > limit;
      }
    });
  }

  /**
   * Appends the operations of one request; events whose id was seen before are dropped and counted.
   *
   * @return how many operations were recorded (that is, were not duplicates)
   */
  int append(List<RecordedOperation.Builder> builders, long arrivalEpochMillis, int retryCount) {
    int recorded = 0;
    synchronized (lock) {
      for (RecordedOperation.Builder b : builders) {
        if (b.action.isEvent() && b.eventId != null && !seenEventIds.add(b.eventId)) {
          if (maxEventIds == 0 || duplicates.size() < maxEventIds || duplicates.containsKey(b.eventId)) {
            duplicates.merge(b.eventId, 1, Integer::sum);
          }
          duplicateCount++;
          continue;
        }
        operations.addLast(new RecordedOperation(b, (int) Math.min(Integer.MAX_VALUE, total), arrivalEpochMillis,
            retryCount));
        total++;
        if (maxRecords > 0 && operations.size() > maxRecords) {
          operations.removeFirst();
        }
        recorded++;
      }
    }
    return recorded;
  }

  /** Records an operation refused by itself (a poisoned operation answered in a 207 or a 400). */
  void refuse(RecordedOperation.Builder b, long arrivalEpochMillis) {
    synchronized (lock) {
      refused.add(new RecordedOperation(b, refused.size(), arrivalEpochMillis, 0));
      if (maxRecords > 0 && refused.size() > maxRecords) {
        refused.subList(0, refused.size() - maxRecords).clear();
      }
    }
  }

  /**
   * The operations the simulator refused one by one because they carried the poison attribute
   * ({@link Faults#poison}), in refusal order (a copy; a repeat refused again appears again). The
   * fault-schedule test checks every dead letter against this list.
   */
  public List<RecordedOperation> refused() {
    synchronized (lock) {
      return List.copyOf(refused);
    }
  }

  void clear() {
    synchronized (lock) {
      refused = new ArrayList<>();
      operations = new ArrayDeque<>();
      seenEventIds = newIdSet();
      duplicates = new HashMap<>();
      duplicateCount = 0;
      total = 0;
    }
  }

  private List<RecordedOperation> snapshot() {
    synchronized (lock) {
      return new ArrayList<>(operations);
    }
  }

  /** All accepted operations in arrival order (a copy). */
  public List<RecordedOperation> all() {
    return Collections.unmodifiableList(snapshot());
  }

  /** How many operations were accepted (duplicates excluded), including any no longer kept. */
  public int count() {
    synchronized (lock) {
      return (int) Math.min(Integer.MAX_VALUE, total);
    }
  }

  /** How many accepted operations were forgotten to keep the window bounded (0 without a limit). */
  public long evicted() {
    synchronized (lock) {
      return total - operations.size();
    }
  }

  /** How many accepted operations have this action. */
  public long count(RecordedOperation.Action action) {
    return snapshot().stream().filter(o -> o.action() == action).count();
  }

  /** Accepted operations matching a predicate, in arrival order. */
  public List<RecordedOperation> where(Predicate<? super RecordedOperation> predicate) {
    return snapshot().stream().filter(predicate).toList();
  }

  /**
   * The operations naming this person (by any identifier type, as primary or merge secondary),
   * in arrival order.
   */
  public List<RecordedOperation> forPerson(String identifierValue) {
    return where(o -> identifierValue.equals(o.identifierValue())
        || (o.secondary() != null && identifierValue.equals(o.secondary().value())));
  }

  /** Accepted events, pages and screens in arrival order. */
  public List<RecordedOperation> events() {
    return where(o -> o.action().isEvent());
  }

  /** Accepted events, pages and screens with this name, in arrival order. */
  public List<RecordedOperation> events(String name) {
    return where(o -> o.action().isEvent() && name.equals(o.name()));
  }

  /** True if an event with this id was accepted (and, with a bounded window, is still remembered). */
  public boolean containsEventId(String eventId) {
    synchronized (lock) {
      return seenEventIds.contains(eventId);
    }
  }

  /** How many events were dropped because their id had already been accepted. */
  public long duplicateCount() {
    synchronized (lock) {
      return duplicateCount;
    }
  }

  /**
   * For every event id that arrived more than once, how many extra times it arrived (a copy).
   * With a bounded window, only the first {@code maxEventIds} distinct repeated ids are listed
   * (every repeat is still counted by {@link #duplicateCount()}).
   */
  public Map<String, Integer> duplicatesByEventId() {
    synchronized (lock) {
      return Map.copyOf(duplicates);
    }
  }

  /** The set of accepted event ids (a copy). */
  public Set<String> eventIds() {
    synchronized (lock) {
      return Set.copyOf(seenEventIds);
    }
  }
}

package io.ciorelay.server.torture;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.Identifiers;
import io.ciorelay.delivery.outbox.LaneHash;
import io.ciorelay.simulator.RecordedOperation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The promises a fault-schedule run checks, against what the simulator recorded: each a name and
 * the violations found (empty when it held). Pure: reads its inputs, keeps no state.
 */
final class Invariants {
  static final String DELIVERED = "every operation whose durable() completed is delivered";
  static final String ONE_ID = "no event recorded under two different ids";
  static final String ORDER = "each person's first arrivals in acceptance order";
  static final String NEWEST_IDENTIFY = "no person left on an older identify than their newest";
  static final String LIMIT = "no one-second window over the workspace limit";
  static final String DEAD_LETTERS = "nothing dead-lettered that the server did not refuse for that operation";
  static final String RECOVERY = "every lane delivers again within the deadline plus backoff once a fault window ends";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SHOWN = 10;

  /** A fault window as it happened: its kind and its wall-clock start and end. */
  record Happened(FaultKind kind, long startMillis, long endMillis) {}

  /** One recorded operation reduced to what the checks need. */
  private record Arrival(String person, long seq, boolean identify, String eventId, long atMillis) {}

  private Invariants() {}

  static Map<String, List<String>> check(List<Ledger.Durable> durable, List<RecordedOperation> records,
      List<RecordedOperation> refused, List<Target.DeadLetterSeen> deadLetters, long peakPerSecond,
      List<Happened> windows, long recoveryBoundMillis, int lanes) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<Arrival> arrivals = new ArrayList<>();
    for (RecordedOperation r : records) {
      if (r.identifierValue() != null && r.identifierValue().startsWith(Workload.PERSON_PREFIX)) {
        arrivals.add(new Arrival(r.identifierValue(), seqOf(r), r.action() == RecordedOperation.Action.IDENTIFY,
            r.eventId(), r.arrivalEpochMillis()));
      }
    }
    Map<Long, Long> firstArrival = new HashMap<>();
    Map<Long, Set<String>> idsBySeq = new HashMap<>();
    for (Arrival a : arrivals) {
      firstArrival.putIfAbsent(a.seq(), a.atMillis());
      if (!a.identify()) {
        idsBySeq.computeIfAbsent(a.seq(), k -> new HashSet<>()).add(a.eventId());
      }
    }

    List<String> delivered = new ArrayList<>();
    List<String> oneId = new ArrayList<>();
    for (Ledger.Durable d : durable) {
      if (d.op().kind() == Workload.Kind.POISONED_EVENT) {
        continue;
      }
      if (!firstArrival.containsKey(d.op().index())) {
        delivered.add(d.op() + " (durable at " + d.atMillis() + ", event id " + d.eventId() + ") never arrived");
      } else if (d.op().kind() == Workload.Kind.EVENT && !idsBySeq.get(d.op().index()).equals(Set.of(d.eventId()))) {
        oneId.add(d.op() + ": receipt id " + d.eventId() + ", recorded " + idsBySeq.get(d.op().index()));
      }
    }
    idsBySeq.forEach((seq, ids) -> {
      if (ids.size() > 1) {
        oneId.add("operation seq " + seq + " recorded under ids " + ids);
      }
    });
    out.put(DELIVERED, shown(delivered));
    out.put(ONE_ID, shown(oneId));

    List<String> order = new ArrayList<>();
    Map<String, Long> lastFirst = new HashMap<>();
    Set<Long> seen = new HashSet<>();
    Map<String, long[]> identifies = new HashMap<>(); // person -> {last recorded seq, highest recorded seq}
    for (Arrival a : arrivals) {
      if (a.identify()) {
        long[] v = identifies.computeIfAbsent(a.person(), k -> new long[] {-1, -1});
        v[0] = a.seq();
        v[1] = Math.max(v[1], a.seq());
      }
      if (!seen.add(a.seq())) {
        continue;
      }
      Long prev = lastFirst.put(a.person(), a.seq());
      if (prev != null && prev > a.seq()) {
        order.add("person " + a.person() + ": seq " + a.seq() + " first arrived after seq " + prev);
      }
    }
    out.put(ORDER, shown(order));
    List<String> newest = new ArrayList<>();
    identifies.forEach((person, v) -> {
      if (v[0] != v[1]) {
        newest.add("person " + person + " left on identify seq " + v[0] + " although seq " + v[1] + " arrived");
      }
    });
    out.put(NEWEST_IDENTIFY, shown(newest));

    out.put(LIMIT, peakPerSecond <= EngineSettings.WORKSPACE_LIMIT ? List.of()
        : List.of("peak " + peakPerSecond + " requests in one second > limit " + EngineSettings.WORKSPACE_LIMIT));

    Set<Long> refusedSeqs = new HashSet<>();
    for (RecordedOperation r : refused) {
      refusedSeqs.add(seqOf(r));
    }
    List<String> dead = new ArrayList<>();
    Set<Long> deadSeqs = new HashSet<>();
    for (Target.DeadLetterSeen d : deadLetters) {
      deadSeqs.add(d.seq());
      if (!refusedSeqs.contains(d.seq())) {
        dead.add("dead letter of person " + d.person() + " seq " + d.seq() + " (status " + d.status() + ": "
            + d.reason() + ") was not refused by the server");
      }
    }
    for (Ledger.Durable d : durable) {
      if (d.op().kind() == Workload.Kind.POISONED_EVENT && !deadSeqs.contains(d.op().index())) {
        dead.add(d.op() + " was refused by the server but is not in the dead letters");
      }
    }
    out.put(DEAD_LETTERS, shown(dead));

    out.put(RECOVERY, shown(recovery(durable, arrivals, firstArrival, windows, recoveryBoundMillis, lanes)));
    return out;
  }

  /**
   * For each window's end T: every lane holding a durable operation that had not arrived by T
   * must get a new arrival within the bound after T. When the next window starts before the bound
   * is up, a lane that delivered nothing in between is not judged (the next fault may hold it).
   */
  private static List<String> recovery(List<Ledger.Durable> durable, List<Arrival> arrivals, Map<Long, Long> firstArrival,
      List<Happened> windows, long bound, int lanes) {
    List<String> out = new ArrayList<>();
    Map<String, Integer> laneOfPerson = new HashMap<>();
    List<List<Long>> arrivalsByLane = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      arrivalsByLane.add(new ArrayList<>());
    }
    for (Arrival a : arrivals) {
      arrivalsByLane.get(lane(laneOfPerson, a.person(), lanes)).add(a.atMillis());
    }
    for (int w = 0; w < windows.size(); w++) {
      Happened h = windows.get(w);
      long end = h.endMillis();
      long nextStart = w + 1 < windows.size() ? windows.get(w + 1).startMillis() : Long.MAX_VALUE;
      Set<Integer> waiting = new HashSet<>();
      for (Ledger.Durable d : durable) {
        if (d.op().kind() == Workload.Kind.POISONED_EVENT || d.atMillis() >= end) {
          continue;
        }
        Long first = firstArrival.get(d.op().index());
        if (first == null || first > end) {
          waiting.add(lane(laneOfPerson, d.op().person(), lanes));
        }
      }
      for (int lane : waiting) {
        boolean deliveredInTime = arrivalsByLane.get(lane).stream().anyMatch(t -> t >= end && t <= end + bound);
        boolean judged = nextStart >= end + bound
            || arrivalsByLane.get(lane).stream().anyMatch(t -> t >= end && t <= nextStart);
        if (!deliveredInTime && judged) {
          long firstAfter = arrivalsByLane.get(lane).stream().filter(t -> t >= end).min(Long::compare).orElse(-1L);
          out.add("lane " + lane + " after the " + h.kind().cliName() + " window ending at " + end
              + ": nothing delivered within " + bound + " ms (next arrival "
              + (firstAfter < 0 ? "never" : "after " + (firstAfter - end) + " ms") + ")");
        }
      }
    }
    return out;
  }

  private static int lane(Map<String, Integer> cache, String person, int lanes) {
    return cache.computeIfAbsent(person, p -> LaneHash.lane(Identifiers.id(p).key(), lanes));
  }

  private static long seqOf(RecordedOperation r) {
    if (r.attributesJson() == null) {
      return -1;
    }
    try {
      return JSON.readTree(r.attributesJson()).path("seq").asLong(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  /** The first few violations and how many more there were. */
  private static List<String> shown(List<String> all) {
    if (all.size() <= SHOWN) {
      return all;
    }
    List<String> out = new ArrayList<>(all.subList(0, SHOWN));
    out.add("... and " + (all.size() - SHOWN) + " more");
    return out;
  }
}

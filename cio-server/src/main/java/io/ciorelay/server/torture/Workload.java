package io.ciorelay.server.torture;

import io.ciorelay.client.Identifiers;
import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.Receipt;
import java.util.Map;

/**
 * The operations of a run, a pure function of the seed and an index: which person, identify or
 * event, and whether it carries the attribute the simulator refuses ({@value #POISON}). The index
 * is the acceptance order: it is the {@code seq} attribute of every operation, so the simulator's
 * record shows in which order each person's operations arrived. Thread-safe (stateless).
 */
final class Workload {
  /** The attribute the simulator is told to refuse; operations carrying it must be dead-lettered. */
  static final String POISON = "poison";
  static final String EVENT_NAME = "torture";
  static final String PERSON_PREFIX = "t-";

  private final long seed;
  private final int persons;

  Workload(long seed, int persons) {
    this.seed = seed;
    this.persons = persons;
  }

  enum Kind {
    EVENT,
    IDENTIFY,
    POISONED_EVENT
  }

  record Op(long index, String person, Kind kind) {
    String personKey() {
      return Identifiers.id(person).key();
    }
  }

  Op op(long index) {
    long h = mix(seed ^ mix(index));
    String person = PERSON_PREFIX + Math.floorMod(h, persons);
    long k = Math.floorMod(h >>> 20, 200);
    Kind kind = k < 2 ? Kind.POISONED_EVENT : k < 50 ? Kind.IDENTIFY : Kind.EVENT;
    return new Op(index, person, kind);
  }

  /** Hands the operation to the library. */
  static Receipt submit(CustomerIo cio, Op op) {
    return switch (op.kind()) {
      case IDENTIFY -> cio.identify(op.person(), Map.of("seq", op.index(), "plan", "p" + (op.index() % 7)));
      case EVENT -> cio.track(op.person(), EVENT_NAME, Map.of("seq", op.index()));
      case POISONED_EVENT -> cio.track(op.person(), EVENT_NAME, Map.of("seq", op.index(), POISON, true));
    };
  }

  /** SplitMix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}

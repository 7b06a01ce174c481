package io.ciorelay.server.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A run's faults in time, a pure function of the seed: windows of one kind each, separated by
 * quiet gaps, from about 1.5 s after the start until the run's length. Immutable.
 */
record Schedule(List<Window> windows) {

  /** One fault: its kind, when it starts (milliseconds after the run's start) and how long it lasts. */
  record Window(FaultKind kind, long startMillis, long durationMillis) {
    long endMillis() {
      return startMillis + durationMillis;
    }
  }

  static Schedule generate(long seed, Duration length, Set<FaultKind> kinds, Duration recoveryBound) {
    Random r = new Random(seed);
    List<FaultKind> deck = new ArrayList<>();
    List<Window> out = new ArrayList<>();
    long t = 1500;
    long end = length.toMillis();
    long bound = recoveryBound.toMillis();
    // Short runs (the build's budget) get short windows and gaps, so several kinds fit.
    boolean brief = end < 60_000;
    while (!kinds.isEmpty()) {
      if (deck.isEmpty()) {
        // Every kind once, in a random order, before any repeats.
        deck.addAll(List.copyOf(new java.util.TreeSet<>(kinds)));
        Collections.shuffle(deck, r);
      }
      FaultKind k = deck.remove(deck.size() - 1);
      long d = k.isStoreFault() ? 0
          : brief ? 500 + r.nextInt(1000)
          : r.nextInt(10) == 0 ? 4000 + r.nextInt(6000) : 800 + r.nextInt(2700);
      if (t + d > end) {
        break;
      }
      out.add(new Window(k, t, d));
      // Some gaps outlast the recovery bound, so recovery is also judged on a quiet service; the
      // others are short, so faults follow each other closely.
      long gap = r.nextInt(brief ? 5 : 3) == 0 ? bound + r.nextInt(2000) : (brief ? 300 : 500) + r.nextInt(brief ? 1000 : 2000);
      t += d + gap;
    }
    return new Schedule(List.copyOf(out));
  }
}

package io.ciorelay.server.dashboard;

import java.util.Arrays;

/**
 * Per-second counts of one workspace over the last {@value #SECONDS} seconds, as a ring buffer fed
 * with running totals: each {@link #sample} that lands in a new second records how much every
 * total grew since the previous one, as the count of the second that just ended. Memory is fixed
 * ({@value #SECONDS} x series longs) whatever the traffic. Time comes from the caller. Thread-safe
 * (one monitor, no I/O under it).
 */
final class RateHistory {
  /** How far back the history reaches: 15 minutes. */
  static final int SECONDS = 900;

  private final int series;
  private final long[][] counts;
  private final long[] secondOf;
  // Guarded by this.
  private long[] lastTotals;
  private long lastSecond = Long.MIN_VALUE;

  RateHistory(int series) {
    if (series < 1) {
      throw new IllegalArgumentException("series must be at least 1 but was " + series);
    }
    this.series = series;
    this.counts = new long[SECONDS][series];
    this.secondOf = new long[SECONDS];
    Arrays.fill(secondOf, Long.MIN_VALUE);
  }

  /**
   * Feeds the running totals as of {@code epochSecond}. The first sample only sets the base; a
   * sample in a later second records the growth since the last one as the count of
   * {@code epochSecond - 1} (seconds skipped in between count zero). A total that went down (a
   * counter reset) counts as zero growth.
   *
   * @throws IllegalArgumentException if totals does not have one value per series
   */
  synchronized void sample(long epochSecond, long[] totals) {
    if (totals.length != series) {
      throw new IllegalArgumentException("totals must have " + series + " values but had " + totals.length);
    }
    if (lastTotals == null) {
      lastTotals = totals.clone();
      lastSecond = epochSecond;
      return;
    }
    if (epochSecond <= lastSecond) {
      return;
    }
    long from = Math.max(lastSecond, epochSecond - SECONDS);
    for (long s = from; s < epochSecond - 1; s++) {
      put(s, new long[series]);
    }
    long[] delta = new long[series];
    for (int i = 0; i < series; i++) {
      delta[i] = Math.max(0, totals[i] - lastTotals[i]);
    }
    put(epochSecond - 1, delta);
    lastTotals = totals.clone();
    lastSecond = epochSecond;
  }

  private void put(long second, long[] values) {
    int slot = (int) Math.floorMod(second, (long) SECONDS);
    secondOf[slot] = second;
    System.arraycopy(values, 0, counts[slot], 0, series);
  }

  /**
   * The recorded seconds after {@code afterSecond}, oldest first, within the last
   * {@value #SECONDS} seconds before the newest sample.
   */
  synchronized Window since(long afterSecond) {
    if (lastTotals == null) {
      return new Window(new long[0], new long[series][0]);
    }
    long newest = lastSecond - 1;
    long first = Math.max(afterSecond + 1, newest - SECONDS + 1);
    int n = (int) Math.max(0, newest - first + 1);
    long[] seconds = new long[n];
    long[][] values = new long[series][n];
    int k = 0;
    for (long s = first; s <= newest; s++) {
      int slot = (int) Math.floorMod(s, (long) SECONDS);
      if (secondOf[slot] != s) {
        continue;
      }
      seconds[k] = s;
      for (int i = 0; i < series; i++) {
        values[i][k] = counts[slot][i];
      }
      k++;
    }
    long[][] trimmed = new long[series][];
    for (int i = 0; i < series; i++) {
      trimmed[i] = Arrays.copyOf(values[i], k);
    }
    return new Window(Arrays.copyOf(seconds, k), trimmed);
  }

  /** Seconds (epoch) and, per series, the count of each of them. */
  record Window(long[] seconds, long[][] values) {}
}

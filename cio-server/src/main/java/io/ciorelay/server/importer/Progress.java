package io.ciorelay.server.importer;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how far an import is, measured in bytes of the file read (so it needs no line count and
 * stays streaming): on a terminal a me.tongfei progress bar with speed and ETA; otherwise (or with
 * {@code --no-progress}) a plain line every few seconds. Both go to stderr. Thread-safe: one
 * thread updates, the bar or a timer thread renders.
 */
abstract class Progress implements AutoCloseable {
  final long total;
  final LongSupplier sent;
  final LongSupplier rejected;

  Progress(long total, LongSupplier sent, LongSupplier rejected) {
    this.total = total;
    this.sent = sent;
    this.rejected = rejected;
  }

  /** The reader is at this byte offset. */
  abstract void at(long bytes);

  @Override
  public abstract void close();

  static Progress bar(String name, long total, long start, LongSupplier sent, LongSupplier rejected) {
    return new Bar(name, total, start, sent, rejected);
  }

  static Progress lines(PrintWriter err, long total, long start, Duration every, LongSupplier sent,
      LongSupplier rejected) {
    return new Lines(err, total, start, every, sent, rejected);
  }

  static Progress none() {
    return new Progress(0, () -> 0, () -> 0) {
      @Override
      void at(long bytes) {
      }

      @Override
      public void close() {
      }
    };
  }

  private static final class Bar extends Progress {
    private final ProgressBar bar;

    Bar(String name, long total, long start, LongSupplier sent, LongSupplier rejected) {
      super(total, sent, rejected);
      this.bar = new ProgressBarBuilder()
          .setTaskName(name)
          .setInitialMax(Math.max(1, total))
          .setUnit(" MB", 1_000_000)
          .setStyle(ProgressBarStyle.ASCII)
          .showSpeed(new java.text.DecimalFormat("#0.0"))
          .startsFrom(start, Duration.ZERO)
          .build();
    }

    @Override
    void at(long bytes) {
      bar.stepTo(bytes);
      bar.setExtraMessage(" sent " + sent.getAsLong() + ", rejected " + rejected.getAsLong());
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  private static final class Lines extends Progress {
    private final PrintWriter err;
    private final long startNanos = System.nanoTime();
    private final long start;
    private final ScheduledExecutorService timer;
    private volatile long position;

    Lines(PrintWriter err, long total, long start, Duration every, LongSupplier sent, LongSupplier rejected) {
      super(total, sent, rejected);
      this.err = err;
      this.start = start;
      this.position = start;
      this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cio-import-progress");
        t.setDaemon(true);
        return t;
      });
      timer.scheduleAtFixedRate(this::print, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    void at(long bytes) {
      position = bytes;
    }

    private void print() {
      long pos = position;
      double secs = (System.nanoTime() - startNanos) / 1e9;
      double speed = secs > 0 ? (pos - start) / secs : 0;
      String eta = speed > 0 ? format(Duration.ofSeconds((long) ((total - pos) / speed))) : "?";
      err.println(String.format(Locale.ROOT, "import: %.0f%% (%.1f of %.1f MB, %.1f MB/s), sent %d, rejected %d, ETA %s",
          total == 0 ? 100.0 : 100.0 * pos / total, pos / 1e6, total / 1e6, speed / 1e6, sent.getAsLong(),
          rejected.getAsLong(), eta));
      err.flush();
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  static String format(Duration d) {
    long s = d.getSeconds();
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}

package io.ciorelay.server.importer;

import io.ciorelay.client.IdentifierType;
import io.ciorelay.client.Limits;
import io.ciorelay.client.TrackClient;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import io.ciorelay.delivery.retry.Backoff;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One run of {@code cio import}: reads the file record by record, validates each row, packs the
 * good ones into v2 batches (each under 500,000 bytes and at most {@code batchSize} operations),
 * sends them through a {@link BatchSender}, and after each answered run of batches appends their
 * rejects and moves the checkpoint. Memory is bounded by the batches in flight, whatever the file
 * size.
 *
 * <p>Recovery: the checkpoint names a byte offset such that every row before it was answered by
 * Customer.io (sent or rejected) and its rejects are in the rejects file, whose length the
 * checkpoint also records. A re-run seeks to the offset and cuts the rejects file back to that
 * length, so rows after it are sent (at most the batches that were in flight, again — events keep
 * their ids, so Customer.io drops the repeats) and rows before it never are.
 *
 * <p>Not thread-safe, except {@link #stop()}, which any thread may call (Ctrl-C).
 */
public final class Importer {
  /** Longest record read into memory; longer ones are skipped and rejected. */
  static final int MAX_RECORD_BYTES = 1_000_000;
  /** Batches are closed below this many body bytes (Customer.io: a request must be under 500 KB). */
  static final int MAX_BODY_BYTES = Limits.MAX_BATCH_BYTES - 1;
  /** {@code {"batch":[} and {@code ]}}. */
  private static final int BATCH_ENVELOPE = 12;
  /** How long a stopped import waits for batches in flight. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** What to import and how. */
  public record Settings(Path file, ImportFormat format, ImportType type, String idColumn, IdentifierType idType,
      Path checkpoint, Path rejects, int batchSize, int maxInFlight, int maxRetries, boolean dryRun,
      boolean restart) {}

  /** What happened. {@code outcome} is one of complete, already-imported, interrupted, failed. */
  public record Summary(String outcome, String failure, long sent, long rejected, long retried, long skipped,
      long totalSent, long totalRejected, long resumedAtLine, long stoppedAtLine, Duration elapsed) {
    public boolean complete() {
      return outcome.equals("complete") || outcome.equals("already-imported");
    }
  }

  private final Settings s;
  private final PrintWriter err;
  private volatile boolean stopped;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  public Importer(Settings settings, PrintWriter err) {
    this.s = settings;
    this.err = err;
  }

  /** Asks a running import to stop reading; batches in flight get {@link #STOP_GRACE} to finish. Any thread. */
  public void stop() {
    stopped = true;
  }

  /**
   * Runs the import.
   *
   * @param client   where to send (null for a dry run)
   * @param limiter  paces requests (null for a dry run)
   * @param backoff  retry delays
   * @param progress makes the progress display, given the file size, the start offset and the counters
   * @throws ImportException if the input, the options or the checkpoint do not allow an import
   * @throws IOException if reading the file or writing the rejects or checkpoint fails
   */
  public Summary run(TrackClient client, RateLimiter limiter, Backoff backoff,
      Function<long[], Progress> progress) throws IOException, InterruptedException {
    long began = System.nanoTime();
    Path file = s.file();
    if (!Files.exists(file)) {
      throw new ImportException("cannot read " + file + ": no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw new ImportException("cannot read " + file + ": not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw new ImportException("cannot read " + file + ": permission denied");
    }
    Checkpoint.Identity identity = Checkpoint.identify(file);
    EventIds ids = new EventIds(identity.fingerprint());
    Checkpoint cp = s.dryRun() || s.restart() ? null : Checkpoint.read(s.checkpoint());
    if (cp != null) {
      check(cp, identity);
      if (cp.complete()) {
        err.println("cio import: " + file + " was already imported (" + cp.sent() + " sent, " + cp.rejected()
            + " rejected; checkpoint " + s.checkpoint() + "); use --restart to import it again");
        err.flush();
        return new Summary("already-imported", null, 0, 0, 0, cp.sent() + cp.rejected(), cp.sent(), cp.rejected(),
            cp.line(), cp.line(), elapsed(began));
      }
    }
    boolean csv = s.format() == ImportFormat.CSV;
    RowParser parser;
    long offset = 0;
    long line = 1;
    try (RecordReader header = RecordReader.open(file, csv, MAX_RECORD_BYTES, 0, 1)) {
      if (csv) {
        parser = CsvRowParser.create(header.next(), s.type(), s.idColumn(), s.idType(), ids);
        offset = header.offset();
        line = header.line();
      } else if (s.format() == ImportFormat.SEGMENT) {
        parser = new SegmentRowParser(ids);
      } else {
        parser = new NdjsonRowParser(s.type(), s.idColumn(), s.idType(), ids);
      }
    }
    if (cp == null) {
      cp = new Checkpoint(Checkpoint.VERSION, file.toAbsolutePath().toString(), identity.size(), identity.hex(),
          name(s.type()), name(s.format()), s.idColumn(), offset, line, 0, 0, 0, 0, false);
    } else {
      err.println("cio import: resuming " + file + " from line " + cp.line() + " (byte " + cp.offset() + "); "
          + cp.sent() + " rows sent and " + cp.rejected() + " rejected before");
      err.flush();
      offset = cp.offset();
      line = cp.line();
    }
    Run run = new Run(cp, line);
    try (RejectsFile rejects = RejectsFile.open(s.rejects(), s.dryRun() ? 0 : cp.rejectsBytes());
        RecordReader reader = RecordReader.open(file, csv, MAX_RECORD_BYTES, offset, line);
        Progress p = progress.apply(new long[] {identity.size(), offset})) {
      run.rejects = rejects;
      if (s.dryRun()) {
        run.finished = dryRun(reader, parser, rejects, p);
      } else {
        send(run, reader, parser, client, limiter, backoff, p);
      }
      p.at(reader.offset());
      run.readLine = reader.line();
    }
    Checkpoint last = run.checkpoint;
    String outcome = run.failure != null ? "failed" : run.finished ? "complete" : "interrupted";
    long prevSent = cp.sent();
    long prevRejected = cp.rejected();
    return new Summary(outcome, run.failure, sent.get(), rejected.get(), run.retried, prevSent + prevRejected,
        prevSent + sent.get(), prevRejected + rejected.get(), cp.line(), s.dryRun() ? run.readLine : last.line(),
        elapsed(began));
  }

  /** Counters readable while the import runs. */
  public long sent() {
    return sent.get();
  }

  public long rejected() {
    return rejected.get();
  }

  private void check(Checkpoint cp, Checkpoint.Identity identity) {
    if (cp.size() != identity.size() || !cp.fingerprint().equals(identity.hex())) {
      throw new ImportException("checkpoint " + s.checkpoint() + " is for another file or " + s.file()
          + " has changed since (the checkpoint is for " + cp.file() + ", " + cp.size() + " bytes; " + s.file() + " is "
          + identity.size() + " bytes" + (cp.size() == identity.size() ? " with different content" : "")
          + "); use --restart to import " + s.file() + " from the start, or --checkpoint to name another checkpoint");
    }
    List<String> diffs = new ArrayList<>();
    if (!cp.type().equals(name(s.type()))) {
      diffs.add("--type " + cp.type());
    }
    if (!cp.format().equals(name(s.format()))) {
      diffs.add("--format " + cp.format());
    }
    if (!cp.idColumn().equals(s.idColumn())) {
      diffs.add("--id-column " + cp.idColumn());
    }
    if (!diffs.isEmpty()) {
      throw new ImportException("checkpoint " + s.checkpoint() + " was written by an import with "
          + String.join(", ", diffs) + "; run again with the same options to resume, or use --restart");
    }
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static Duration elapsed(long began) {
    return Duration.ofNanos(System.nanoTime() - began);
  }

  /** Mutable state of one run, touched by the reader and (through the committer) the commit thread. */
  private final class Run implements BatchSender.Committer {
    volatile Checkpoint checkpoint;
    RejectsFile rejects;
    volatile String failure;
    volatile boolean finished;
    long retried;
    long readLine;
    long baseSent;
    long baseRejected;
    long baseRetried;
    java.util.function.LongSupplier retriedNow = () -> 0;
    private long endOffset;
    private long endLine;

    Run(Checkpoint cp, long line) {
      this.checkpoint = cp;
      this.readLine = line;
    }

    @Override
    public void batch(BatchSender.Batch b) throws IOException {
      List<BatchSender.Reject> all = new ArrayList<>(b.readRejects);
      synchronized (b.serverRejects) {
        all.addAll(b.serverRejects);
      }
      all.sort(Comparator.comparingLong(BatchSender.Reject::line));
      for (BatchSender.Reject r : all) {
        rejects.write(r.line(), r.reason(), r.raw());
      }
      rejected.addAndGet(all.size());
      sent.addAndGet(b.rows.size() - b.serverRejects.size());
      endOffset = b.endOffset;
      endLine = b.endLine;
    }

    @Override
    public void flush() throws IOException {
      checkpoint = checkpoint.advance(endOffset, endLine, rejects.sync(), baseSent + sent.get(),
          baseRejected + rejected.get(), baseRetried + retriedNow.getAsLong(), false);
      checkpoint.write(s.checkpoint());
    }
  }

  /** Validates every row; true if it reached the end of the file. */
  private boolean dryRun(RecordReader reader, RowParser parser, RejectsFile rejects, Progress p) throws IOException {
    RecordReader.Record rec = null;
    long records = 0;
    while (!stopped && (rec = reader.next()) != null) {
      Row row = rec.oversize() ? oversize(rec) : parser.parse(rec);
      if (row != null) {
        if (row.ok()) {
          sent.incrementAndGet();
        } else {
          rejects.write(row.line(), row.reject(), row.raw());
          rejected.incrementAndGet();
        }
      }
      if ((++records & 1023) == 0) {
        p.at(reader.offset());
      }
    }
    rejects.sync();
    return rec == null;
  }

  private static Row oversize(RecordReader.Record rec) {
    return Row.rejected(rec.line(), null, "the row is longer than " + MAX_RECORD_BYTES + " bytes"
        + " (for CSV, often an unterminated quote)");
  }

  private void send(Run run, RecordReader reader, RowParser parser, TrackClient client, RateLimiter limiter,
      Backoff backoff, Progress p) throws IOException, InterruptedException {
    Checkpoint start = run.checkpoint;
    run.baseSent = start.sent();
    run.baseRejected = start.rejected();
    run.baseRetried = start.retried();
    try (BatchSender sender = new BatchSender(client, limiter, backoff, s.maxRetries(), s.maxInFlight(),
        Clock.systemUTC(), run)) {
      run.retriedNow = sender::retried;
      List<Row> rows = new ArrayList<>();
      List<BatchSender.Reject> readRejects = new ArrayList<>();
      long bytes = BATCH_ENVELOPE;
      long records = 0;
      boolean eof = false;
      while (!stopped && sender.failure() == null) {
        RecordReader.Record rec = reader.next();
        if (rec == null) {
          eof = true;
          break;
        }
        Row row = rec.oversize() ? oversize(rec) : parser.parse(rec);
        if (row == null) {
          continue;
        }
        if (!row.ok()) {
          readRejects.add(new BatchSender.Reject(row.line(), row.reject(), row.raw()));
        } else {
          int size = row.encoded().length + 1;
          if (!rows.isEmpty() && bytes + size > MAX_BODY_BYTES) {
            if (!sender.submit(new BatchSender.Batch(rows, readRejects, rec.start(), rec.line()))) {
              break;
            }
            rows = new ArrayList<>();
            readRejects = new ArrayList<>();
            bytes = BATCH_ENVELOPE;
          }
          rows.add(row);
          bytes += size;
        }
        if (rows.size() >= s.batchSize() || readRejects.size() >= s.batchSize()) {
          if (!sender.submit(new BatchSender.Batch(rows, readRejects, reader.offset(), reader.line()))) {
            break;
          }
          rows = new ArrayList<>();
          readRejects = new ArrayList<>();
          bytes = BATCH_ENVELOPE;
        }
        if ((++records & 1023) == 0) {
          p.at(reader.offset());
        }
      }
      if (eof && !stopped && sender.failure() == null
          && sender.submit(new BatchSender.Batch(rows, readRejects, reader.offset(), reader.line()))) {
        while (!stopped && !sender.awaitIdle(Duration.ofMillis(200)) && sender.failure() == null) {
          p.at(reader.offset());
        }
      }
      if (stopped) {
        sender.awaitIdle(STOP_GRACE);
      }
      run.finished = eof && !stopped && sender.failure() == null && sender.pending() == 0;
      run.failure = sender.failure();
      run.retried = sender.retried();
    }
    if (run.finished) {
      run.checkpoint = run.checkpoint.advance(reader.offset(), reader.line(), run.rejects.sync(),
          run.baseSent + sent.get(), run.baseRejected + rejected.get(), run.baseRetried + run.retried, true);
      run.checkpoint.write(s.checkpoint());
    }
  }
}

package io.ciorelay.delivery.outbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded outbox: an {@link Outbox} kept in one SQLite file (WAL mode, through
 * {@code org.xerial:sqlite-jdbc}), written by one thread in group commits. Open it with
 * {@link #open(OutboxConfig)}; close it with {@link #close()}.
 *
 * <p><b>Durability:</b> Under {@link Durability#SYNC} ({@code PRAGMA synchronous=FULL}) the
 * writer commits each group as soon as it takes it and the commit is fsync'd before an append's
 * future completes: a confirmed entry survives {@code kill -9} and power loss. Under
 * {@link Durability#ASYNC} ({@code synchronous=NORMAL}) the writer waits for more work until
 * {@link OutboxConfig#asyncCommitInterval()} has passed since its last commit (or until a group
 * of {@link OutboxConfig#maxGroupSize()} operations is full), so a process crash loses at most the
 * entries handed over in that window (their futures never complete), and an OS crash or power
 * loss may also lose commits not yet checkpointed from the WAL.
 *
 * <p><b>Schema:</b> version 1; inspect the file with {@code sqlite3 <path>}.
 * <pre>
 * meta(key TEXT PRIMARY KEY, value)              -- 'schema_version', 'lanes', 'last_seq'
 * entries(seq INTEGER PRIMARY KEY, lane INTEGER, person_key TEXT, event_id TEXT, kind INTEGER,
 *         payload BLOB, accepted_at INTEGER, attempts INTEGER, first_failure_at INTEGER,
 *         last_error TEXT)                        -- index entries_lane_seq ON (lane, seq)
 * dead_letters(id INTEGER PRIMARY KEY AUTOINCREMENT, original_seq, person_key, event_id, kind,
 *         payload, accepted_at, dead_at, reason, last_status, attempts)
 * </pre>
 * Times are epoch milliseconds; {@code kind} is {@link EntryKind#code()}; {@code lane} is
 * FNV-1a of the person key's UTF-8 bytes (mixed) floor-mod the lane count. Sequence numbers are
 * assigned by the writer in hand-off order and never reused ({@code last_seq} remembers the
 * highest); dead-letter ids are never reused either. If the file was written with another lane
 * count, every entry is re-laned when it is opened. Beside the file live SQLite's
 * {@code <path>-wal} and {@code <path>-shm} and the store's {@code <path>.lock}, an OS lock that
 * keeps a second store from opening the same file while this one has it open.
 *
 * <p><b>Reads:</b> {@link #peek} reads committed entries through its own connection, at most
 * {@code maxEntries} rows at a time, so memory does not grow with the backlog. An entry handed to
 * {@link #ack}, {@link #deadLetter} or {@link #replay} but not yet committed can still be
 * returned by {@code peek}; callers must tolerate seeing it once more. Counters behind
 * {@link #stats()}, {@link #pending(int)} and {@link #deadLetterCount()} are loaded at open and
 * kept exact in memory. Replayed entries keep their original {@code accepted_at} and are not
 * subject to the pending caps.
 *
 * <p><b>Concurrency:</b> Thread-safe. One writer thread, named {@code cio-outbox-writer[<file>]}
 * (a daemon, so a forgotten {@code close()} never keeps the JVM alive; {@link #close()} is what
 * commits the entries still queued, and stops it), owns the write connection. Callers hand it
 * {@code WriteOp}s through an unbounded FIFO {@link LinkedBlockingQueue}; appends in it are
 * bounded by {@link OutboxConfig#writerQueueCapacity()}. {@code stateLock} (a
 * {@link ReentrantLock} with the condition {@code roomAvailable}) guards the counters and the
 * accepting/closing/failed state and is held while an operation is put in the queue, so queue
 * order is append order and nothing is queued after the writer's stop marker; it is never held
 * around I/O or callbacks. Blocked appenders ({@link OverflowPolicy#BLOCK}) wait on
 * {@code roomAvailable}, signalled after every commit. {@code readerLock} (a
 * {@link ReentrantLock}) serialises use of the one read connection. Per-lane counts are an
 * {@link AtomicLongArray} read without a lock. Futures are completed and
 * {@link #onAppendCommitted} listeners run on the writer thread after the commit, so dependent
 * actions attached without an executor run there too: they must be quick, must not call
 * {@link #replay} or {@link #purge} (which throw there), and an {@code append} made there under
 * {@link OverflowPolicy#BLOCK} does not wait for room.
 *
 * <p><b>Failures:</b> A failed commit is fatal: the transaction is rolled back, every queued
 * future completes exceptionally with an {@link OutboxException} naming the path, and later
 * appends are rejected with {@link AppendResult.Reason#FAILED}. The file keeps its last commit.
 */
public final class SqliteOutbox implements Outbox {

  private static final Logger log = LoggerFactory.getLogger(SqliteOutbox.class);

  private final OutboxConfig config;
  private final Path path;
  private final int lanes;
  private final LinkedBlockingQueue<WriteOp> queue = new LinkedBlockingQueue<>();
  // Acknowledgements, dead-letter moves and failure records: taken before queued appends, so a
  // delivered batch is acknowledged in the next commit even behind a deep backlog of appends.
  private final java.util.concurrent.ConcurrentLinkedQueue<WriteOp> urgent = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLongArray lanePending;
  private final AtomicLong commits = new AtomicLong();
  private final Thread writerThread;
  private final FileGuard fileGuard;

  private final ReentrantLock stateLock = new ReentrantLock();
  private final Condition roomAvailable = stateLock.newCondition();
  // Guarded by stateLock.
  private long pendingOps;
  private long pendingBytes;
  private long uncommitted;
  private long deadLetters;
  private long oldestCommittedAcceptedAt;
  private long firstUncommittedAcceptedAt = -1;
  private boolean accepting = true;
  private boolean closing;
  private OutboxException failure;

  private final ReentrantLock readerLock = new ReentrantLock();
  // Guarded by readerLock.
  private final Connection reader;
  private final PreparedStatement peekStatement;
  private final PreparedStatement deadLetterStatement;
  private boolean readerClosed;

  private SqliteOutbox(OutboxConfig config, FileGuard fileGuard, Connection writer, Connection reader,
      SqliteSchema.Loaded loaded) throws SQLException {
    this.config = config;
    this.fileGuard = fileGuard;
    this.path = config.path();
    this.lanes = config.lanes();
    this.reader = reader;
    this.lanePending = new AtomicLongArray(loaded.lanePending());
    this.pendingOps = sum(loaded.lanePending());
    this.pendingBytes = loaded.pendingBytes();
    this.deadLetters = loaded.deadLetters();
    this.oldestCommittedAcceptedAt = loaded.oldestAcceptedAt();
    this.peekStatement = reader.prepareStatement("SELECT seq, lane, person_key, event_id, kind, payload, "
        + "accepted_at, attempts, first_failure_at FROM entries WHERE lane = ? ORDER BY seq LIMIT ?");
    this.deadLetterStatement = reader.prepareStatement("SELECT " + DEAD_LETTER_COLUMNS
        + " FROM dead_letters WHERE id > ? ORDER BY id LIMIT ?");
    SqliteWriter writerTask = new SqliteWriter(this, writer, queue, urgent, config, loaded.nextSeq());
    this.writerThread = new Thread(writerTask, "cio-outbox-writer[" + path.getFileName() + "]");
    writerThread.setDaemon(true);
    writerThread.start();
  }

  /**
   * Opens (creating if needed) the outbox file at {@link OutboxConfig#path()} and starts its
   * writer thread.
   *
   * @throws OutboxException naming the path if the file cannot be created or opened, is not an
   *     SQLite database, has an unknown schema version, or is already open in another store
   *     (guarded by an OS lock on {@code <path>.lock})
   */
  public static SqliteOutbox open(OutboxConfig config) {
    Objects.requireNonNull(config, "config must not be null");
    Path path = config.path();
    SqliteSchema.createParentDirectories(path);
    FileGuard guard = FileGuard.acquire(path);
    Connection writer = null;
    Connection reader = null;
    try {
      writer = SqliteSchema.connect(path, config.durability(), false);
      SqliteSchema.Loaded loaded = SqliteSchema.prepare(writer, config.lanes(), path);
      reader = SqliteSchema.connect(path, config.durability(), true);
      return new SqliteOutbox(config, guard, writer, reader, loaded);
    } catch (SQLException e) {
      closeQuietly(reader);
      closeQuietly(writer);
      guard.close();
      throw new OutboxException("cannot open outbox " + path + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(reader);
      closeQuietly(writer);
      guard.close();
      throw e;
    }
  }

  /** The configuration this store was opened with. */
  public OutboxConfig config() {
    return config;
  }

  Path path() {
    return path;
  }

  /** Transactions committed by the writer since open (for tests and metrics). */
  long commitCount() {
    return commits.get();
  }

  @Override
  public AppendResult append(NewEntry entry) {
    Objects.requireNonNull(entry, "entry must not be null");
    Objects.requireNonNull(entry.personKey(), "entry.personKey must not be null");
    Objects.requireNonNull(entry.kind(), "entry.kind must not be null");
    Objects.requireNonNull(entry.payload(), "entry.payload must not be null");
    WriteOp.Append op = new WriteOp.Append(entry, LaneHash.lane(entry.personKey(), lanes));
    long size = entry.payload().length;
    stateLock.lock();
    try {
      long remainingNanos = -1;
      while (true) {
        if (failure != null) {
          return AppendResult.rejected(AppendResult.Reason.FAILED, failure.getMessage());
        }
        if (!accepting) {
          return AppendResult.rejected(AppendResult.Reason.CLOSED, "outbox " + path + " no longer accepts appends");
        }
        String full = fullReason(size);
        if (full == null) {
          break;
        }
        if (config.overflowPolicy() != OverflowPolicy.BLOCK || Thread.currentThread() == writerThread) {
          // Only the writer makes room, so it must never wait for room itself.
          return AppendResult.rejected(AppendResult.Reason.FULL, full);
        }
        if (remainingNanos < 0) {
          remainingNanos = config.blockTimeout().toNanos();
        }
        if (remainingNanos <= 0) {
          return AppendResult.rejected(AppendResult.Reason.FULL,
              full + " after waiting blockTimeout=" + config.blockTimeout());
        }
        try {
          remainingNanos = Math.max(0, roomAvailable.awaitNanos(remainingNanos));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return AppendResult.rejected(AppendResult.Reason.FULL, full + " (interrupted while waiting for room)");
        }
      }
      pendingOps++;
      pendingBytes += size;
      if (uncommitted == 0) {
        firstUncommittedAcceptedAt = entry.acceptedAtMillis();
      }
      uncommitted++;
      queue.add(op);
    } finally {
      stateLock.unlock();
    }
    return AppendResult.accepted(op.future);
  }

  /** Why an entry of {@code size} bytes does not fit now, or null if it does. Call with stateLock held. */
  private String fullReason(long size) {
    if (pendingOps >= config.maxPendingOperations()) {
      return "outbox is full: " + pendingOps + " pending operations (maxPendingOperations="
          + config.maxPendingOperations() + ")";
    }
    if (pendingBytes + size > config.maxPendingBytes()) {
      return "outbox is full: " + pendingBytes + " pending bytes + " + size + " would exceed maxPendingBytes="
          + config.maxPendingBytes();
    }
    if (uncommitted >= config.writerQueueCapacity()) {
      return "outbox is full: " + uncommitted + " entries waiting for commit (writerQueueCapacity="
          + config.writerQueueCapacity() + ")";
    }
    return null;
  }

  @Override
  public int laneOf(String personKey) {
    Objects.requireNonNull(personKey, "personKey must not be null");
    return LaneHash.lane(personKey, lanes);
  }

  @Override
  public int lanes() {
    return lanes;
  }

  @Override
  public List<StoredEntry> peek(int lane, int maxEntries, long maxBytes) {
    OutboxArguments.checkPeek(lane, lanes, maxEntries, maxBytes);
    if (maxEntries == 0) {
      return List.of();
    }
    readerLock.lock();
    try {
      checkReaderOpen();
      peekStatement.setInt(1, lane);
      peekStatement.setInt(2, maxEntries);
      List<StoredEntry> out = new ArrayList<>(Math.min(maxEntries, 256));
      long bytes = 0;
      try (ResultSet rs = peekStatement.executeQuery()) {
        while (rs.next()) {
          byte[] payload = rs.getBytes(6);
          if (!out.isEmpty() && bytes + payload.length > maxBytes) {
            break;
          }
          bytes += payload.length;
          out.add(new StoredEntry(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4),
              EntryKind.ofCode(rs.getInt(5)), payload, rs.getLong(7), rs.getInt(8), rs.getLong(9)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new OutboxException("outbox " + path + " could not be read: " + e.getMessage(), e);
    } finally {
      readerLock.unlock();
    }
  }

  /** Reads the lane's oldest committed pending entry (a read on the reader connection, nothing changed). */
  @Override
  public long oldestPendingSeq(int lane) {
    OutboxArguments.checkLane(lane, lanes);
    if (lanePending.get(lane) == 0) {
      return -1;
    }
    List<StoredEntry> oldest = peek(lane, 1, Long.MAX_VALUE);
    return oldest.isEmpty() ? -1 : oldest.get(0).seq();
  }

  @Override
  public long pending(int lane) {
    OutboxArguments.checkLane(lane, lanes);
    return lanePending.get(lane);
  }

  @Override
  public CompletableFuture<Void> ack(long[] seqs) {
    Objects.requireNonNull(seqs, "seqs must not be null");
    CompletableFuture<Void> future = new CompletableFuture<>();
    return submit(new WriteOp.Ack(seqs.clone(), future), future);
  }

  /**
   * {@inheritDoc} The dead letter's {@code dead_at} is the configured clock's time at this call;
   * its attempts are the larger of the request's and the recorded count. Unknown sequence numbers
   * are ignored.
   */
  @Override
  public CompletableFuture<Void> deadLetter(List<DeadLetterRequest> requests) {
    Objects.requireNonNull(requests, "requests must not be null");
    List<DeadLetterRequest> copy = List.copyOf(requests);
    CompletableFuture<Void> future = new CompletableFuture<>();
    return submit(new WriteOp.MoveToDeadLetters(copy, config.clock().millis(), future), future);
  }

  /** {@inheritDoc} Unknown sequence numbers are ignored. */
  @Override
  public CompletableFuture<Void> recordFailure(long[] seqs, long atMillis, String lastError) {
    Objects.requireNonNull(seqs, "seqs must not be null");
    CompletableFuture<Void> future = new CompletableFuture<>();
    return submit(new WriteOp.RecordFailure(seqs.clone(), atMillis, lastError, future), future);
  }

  @Override
  public OutboxStats stats() {
    stateLock.lock();
    try {
      long oldest = oldestCommittedAcceptedAt >= 0 ? oldestCommittedAcceptedAt
          : uncommitted > 0 ? firstUncommittedAcceptedAt : -1;
      return new OutboxStats(pendingOps, pendingBytes, oldest, deadLetters, uncommitted);
    } finally {
      stateLock.unlock();
    }
  }

  @Override
  public List<DeadLetter> deadLetters(long afterId, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
    }
    if (limit == 0) {
      return List.of();
    }
    readerLock.lock();
    try {
      checkReaderOpen();
      deadLetterStatement.setLong(1, afterId);
      deadLetterStatement.setInt(2, limit);
      List<DeadLetter> out = new ArrayList<>(Math.min(limit, 256));
      try (ResultSet rs = deadLetterStatement.executeQuery()) {
        while (rs.next()) {
          out.add(deadLetter(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new OutboxException("outbox " + path + " could not be read: " + e.getMessage(), e);
    } finally {
      readerLock.unlock();
    }
  }

  @Override
  public long oldestPendingSeq() {
    return queryOne("SELECT seq FROM entries ORDER BY seq LIMIT 1", null, rs -> rs.getLong(1), -1L);
  }

  @Override
  public long newestPendingSeq() {
    return queryOne("SELECT seq FROM entries ORDER BY seq DESC LIMIT 1", null, rs -> rs.getLong(1), -1L);
  }

  @Override
  public boolean isPending(long seq) {
    return queryOne("SELECT 1 FROM entries WHERE seq = ?", seq, rs -> true, false);
  }

  @Override
  public java.util.Optional<DeadLetter> deadLetterOf(long seq) {
    return java.util.Optional.ofNullable(queryOne("SELECT " + DEAD_LETTER_COLUMNS
        + " FROM dead_letters WHERE original_seq = ? ORDER BY id DESC LIMIT 1", seq, SqliteOutbox::deadLetter, null));
  }

  /** A row mapper that may throw. */
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Runs a one-row query on the reader connection: the first row mapped, or {@code none}. */
  private <T> T queryOne(String sql, Long param, RowReader<T> mapper, T none) {
    readerLock.lock();
    try {
      checkReaderOpen();
      try (java.sql.PreparedStatement ps = reader.prepareStatement(sql)) {
        if (param != null) {
          ps.setLong(1, param);
        }
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? mapper.read(rs) : none;
        }
      }
    } catch (SQLException e) {
      throw new OutboxException("outbox " + path + " could not be read: " + e.getMessage(), e);
    } finally {
      readerLock.unlock();
    }
  }

  private static final String DEAD_LETTER_COLUMNS = "id, original_seq, person_key, event_id, kind, payload, "
      + "accepted_at, dead_at, reason, last_status, attempts";

  private static DeadLetter deadLetter(ResultSet rs) throws SQLException {
    return new DeadLetter(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
        EntryKind.ofCode(rs.getInt(5)), rs.getBytes(6), rs.getLong(7), rs.getLong(8), rs.getString(9),
        rs.getInt(10), rs.getInt(11));
  }

  @Override
  public long deadLetterCount() {
    stateLock.lock();
    try {
      return deadLetters;
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * {@inheritDoc} Ids are replayed in ascending order; unknown ids are ignored. Waits for the
   * commit on the calling thread.
   *
   * @throws OutboxException if the store is closed or the commit failed
   */
  @Override
  public int replay(Collection<Long> deadLetterIds) {
    return await(new WriteOp.Replay(OutboxArguments.sortedIds(deadLetterIds), new CompletableFuture<>()));
  }

  /** {@inheritDoc} @throws OutboxException if the store is closed or the commit failed */
  @Override
  public int replayAll() {
    return await(new WriteOp.Replay(null, new CompletableFuture<>()));
  }

  /** {@inheritDoc} Unknown ids are ignored. @throws OutboxException if the store is closed or the commit failed */
  @Override
  public int purge(Collection<Long> deadLetterIds) {
    return await(new WriteOp.Purge(OutboxArguments.sortedIds(deadLetterIds), new CompletableFuture<>()));
  }

  /** {@inheritDoc} @throws OutboxException if the store is closed or the commit failed */
  @Override
  public int purgeAll() {
    return await(new WriteOp.Purge(null, new CompletableFuture<>()));
  }

  @Override
  public void onAppendCommitted(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
  }

  @Override
  public void stopAccepting() {
    stateLock.lock();
    try {
      accepting = false;
      roomAvailable.signalAll();
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * Stops accepting, lets the writer commit everything already handed over (completing those
   * futures), stops the writer thread and closes both connections. Idempotent; later calls
   * return once the first has finished closing.
   */
  @Override
  public void close() {
    boolean first;
    stateLock.lock();
    try {
      first = !closing;
      closing = true;
      accepting = false;
      if (first) {
        queue.add(new WriteOp.Stop());
      }
      roomAvailable.signalAll();
    } finally {
      stateLock.unlock();
    }
    if (Thread.currentThread() != writerThread) {
      joinUninterruptibly(writerThread);
    }
    readerLock.lock();
    try {
      if (!readerClosed) {
        readerClosed = true;
        closeQuietly(peekStatement);
        closeQuietly(deadLetterStatement);
        closeQuietly(reader);
      }
    } finally {
      readerLock.unlock();
    }
  }

  // ---- called by the writer thread ----

  void committed(SqliteWriter.Delta delta) {
    commits.incrementAndGet();
    for (int lane = 0; lane < delta.lanePending.length; lane++) {
      if (delta.lanePending[lane] != 0) {
        lanePending.addAndGet(lane, delta.lanePending[lane]);
      }
    }
    stateLock.lock();
    try {
      uncommitted -= delta.appends;
      pendingOps += delta.pendingOps;
      pendingBytes += delta.pendingBytes;
      deadLetters += delta.deadLetters;
      if (delta.entriesChanged) {
        oldestCommittedAcceptedAt = delta.oldestAcceptedAt;
      }
      roomAvailable.signalAll();
    } finally {
      stateLock.unlock();
    }
  }

  void writerFailed(OutboxException cause, List<WriteOp> group) {
    stateLock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      for (WriteOp op : group) {
        if (op instanceof WriteOp.Append a) {
          pendingOps--;
          pendingBytes -= a.entry.payload().length;
          uncommitted--;
        }
      }
      roomAvailable.signalAll();
    } finally {
      stateLock.unlock();
    }
  }

  /** Called by the writer as it exits, after closing the write connection. */
  void writerClosed() {
    fileGuard.close();
  }

  void runAppendListeners() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        log.warn("an onAppendCommitted listener of outbox {} failed", path, e);
      }
    }
  }

  // ---- helpers ----

  private <T> CompletableFuture<T> submit(WriteOp op, CompletableFuture<T> future) {
    stateLock.lock();
    try {
      if (failure != null) {
        future.completeExceptionally(failure);
      } else if (closing) {
        future.completeExceptionally(new OutboxException("outbox " + path + " is closed"));
      } else if (op instanceof WriteOp.Ack || op instanceof WriteOp.MoveToDeadLetters
          || op instanceof WriteOp.RecordFailure) {
        urgent.add(op);
        queue.add(WriteOp.Wake.INSTANCE);
      } else {
        queue.add(op);
      }
    } finally {
      stateLock.unlock();
    }
    return future;
  }

  private int await(WriteOp op) {
    if (Thread.currentThread() == writerThread) {
      throw new IllegalStateException("replay and purge must not be called on the outbox writer thread");
    }
    CompletableFuture<Integer> future = op instanceof WriteOp.Replay r ? r.future() : ((WriteOp.Purge) op).future();
    submit(op, future);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | CompletionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof OutboxException oe) {
            throw oe;
          }
          throw new OutboxException("outbox " + path + " failed: " + cause, cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }



  private void checkReaderOpen() {
    if (readerClosed) {
      throw new OutboxException("outbox " + path + " is closed");
    }
  }

  private static long sum(long[] values) {
    long total = 0;
    for (long v : values) {
      total += v;
    }
    return total;
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.debug("closing an outbox resource failed", e);
    }
  }
}

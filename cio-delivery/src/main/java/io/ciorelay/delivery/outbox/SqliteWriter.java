package io.ciorelay.delivery.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's single writer: takes operations from the hand-off queue in FIFO order, applies a
 * group of them in one transaction, commits, then reports the changes to {@link SqliteOutbox} and
 * completes the futures. Runs on one thread ({@link #run()}); owns its connection and prepared
 * statements, which no other thread touches.
 */
final class SqliteWriter implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);
  private static final int REPLAY_PAGE = 1000;

  /** Changes made by one committed group, applied to the in-memory counters after the commit. */
  static final class Delta {
    final long[] lanePending;
    int appends;
    long pendingOps;
    long pendingBytes;
    long deadLetters;
    boolean entriesChanged;
    long oldestAcceptedAt = -1;

    Delta(int lanes) {
      lanePending = new long[lanes];
    }
  }

  private final SqliteOutbox outbox;
  private final Connection conn;
  private final BlockingQueue<WriteOp> queue;
  private final int lanes;
  private final int maxGroupSize;
  private final long asyncIntervalNanos;
  private long nextSeq;
  private final java.util.function.LongSupplier ticker;
  private long lastCommitNanos;
  private OutboxException failure;

  private final PreparedStatement insert;
  private final PreparedStatement deleteReturning;
  private final PreparedStatement copyToDeadLetters;
  private final PreparedStatement recordFailure;
  private final PreparedStatement deadLetterInfo;
  private final PreparedStatement deadLetterPage;
  private final PreparedStatement copyFromDeadLetters;
  private final PreparedStatement deleteDeadLetter;
  private final PreparedStatement recordReplay;
  private final PreparedStatement putLastSeq;

  SqliteWriter(SqliteOutbox outbox, Connection conn, BlockingQueue<WriteOp> queue,
      java.util.Queue<WriteOp> urgent, OutboxConfig config, long nextSeq) throws SQLException {
    this.outbox = outbox;
    this.conn = conn;
    this.queue = queue;
    this.urgent = urgent;
    this.lanes = config.lanes();
    this.maxGroupSize = config.maxGroupSize();
    this.asyncIntervalNanos = config.durability() == Durability.ASYNC ? config.asyncCommitInterval().toNanos() : 0;
    this.nextSeq = nextSeq;
    this.ticker = config.ticker();
    this.lastCommitNanos = ticker.getAsLong();
    conn.setAutoCommit(false);
    insert = conn.prepareStatement("INSERT INTO entries(seq, lane, person_key, event_id, kind, payload, accepted_at, "
        + "attempts, first_failure_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, NULL)");
    deleteReturning = conn.prepareStatement("DELETE FROM entries WHERE seq = ? RETURNING lane, length(payload)");
    countMany = conn.prepareStatement("SELECT lane, count(*), coalesce(sum(length(payload)), 0) FROM entries "
        + "WHERE seq IN (SELECT value FROM json_each(?)) GROUP BY lane");
    deleteMany = conn.prepareStatement("DELETE FROM entries WHERE seq IN (SELECT value FROM json_each(?))");
    copyToDeadLetters = conn.prepareStatement("INSERT INTO dead_letters(original_seq, person_key, event_id, kind, "
        + "payload, accepted_at, dead_at, reason, last_status, attempts) SELECT seq, person_key, event_id, kind, "
        + "payload, accepted_at, ?, ?, ?, max(?, attempts) FROM entries WHERE seq = ?");
    recordFailure = conn.prepareStatement("UPDATE entries SET attempts = attempts + 1, first_failure_at = "
        + "CASE WHEN first_failure_at = 0 THEN ? ELSE first_failure_at END, last_error = ? WHERE seq = ?");
    deadLetterInfo = conn.prepareStatement("SELECT person_key, length(payload) FROM dead_letters WHERE id = ?");
    deadLetterPage = conn.prepareStatement(
        "SELECT id, person_key, length(payload) FROM dead_letters WHERE id > ? ORDER BY id LIMIT " + REPLAY_PAGE);
    copyFromDeadLetters = conn.prepareStatement("INSERT INTO entries(seq, lane, person_key, event_id, kind, payload, "
        + "accepted_at, attempts, first_failure_at, last_error) SELECT ?, ?, person_key, event_id, kind, payload, "
        + "accepted_at, 0, 0, NULL FROM dead_letters WHERE id = ?");
    deleteDeadLetter = conn.prepareStatement("DELETE FROM dead_letters WHERE id = ?");
    recordReplay = conn.prepareStatement("INSERT OR REPLACE INTO replays(original_seq, replayed_seq) "
        + "SELECT original_seq, ? FROM dead_letters WHERE id = ?");
    putLastSeq = conn.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES ('last_seq', ?)");
  }

  private final java.util.Queue<WriteOp> urgent;
  private final java.sql.PreparedStatement countMany;
  private final java.sql.PreparedStatement deleteMany;

  @Override
  public void run() {
    List<WriteOp> group = new ArrayList<>();
    boolean stop = false;
    try {
      while (!stop) {
        group.clear();
        stop = collect(group);
        if (stop) {
          // Urgent operations handed over before the stop marker must be committed too.
          WriteOp u;
          while ((u = urgent.poll()) != null) {
            group.add(0, u);
          }
        }
        if (failure != null) {
          outbox.writerFailed(failure, group);
          failAll(group, failure);
        } else if (!(group.size() == 1 && stop)) {
          process(group);
        }
      }
    } catch (Throwable t) { // an Error or a bug: fail everything rather than leave callers waiting
      log.error("outbox writer for {} stopped unexpectedly", outbox.path(), t);
      OutboxException e = new OutboxException("outbox writer for " + outbox.path() + " stopped: " + t, t);
      outbox.writerFailed(e, group);
      failAll(group, e);
      group.clear();
      queue.drainTo(group);
      WriteOp u;
      while ((u = urgent.poll()) != null) {
        group.add(u);
      }
      outbox.writerFailed(e, group);
      failAll(group, e);
    } finally {
      closeQuietly();
    }
  }

  /**
   * Fills {@code group} with the next operations; returns true when it ends with {@link WriteOp.Stop}.
   * The urgent queue is read again after the main queue's last read: an urgent operation is put
   * in the urgent queue before its {@link WriteOp.Wake} goes in the main queue, so every urgent
   * operation whose wake this group took is in this group too, and one handed over later has its
   * wake still queued. (Reading it only first let a wake drained into the group be used up while
   * its operation waited for some later write.)
   */
  private boolean collect(List<WriteOp> group) {
    boolean stop = collectMain(group);
    List<WriteOp> late = null;
    WriteOp u;
    while ((u = urgent.poll()) != null) {
      if (late == null) {
        late = new ArrayList<>();
      }
      late.add(u);
    }
    if (late != null) {
      group.addAll(0, late);
    }
    return stop;
  }

  private boolean collectMain(List<WriteOp> group) {
    WriteOp first = takeUninterruptibly();
    // Urgent operations first: they only touch committed entries, so their place in the group
    // does not matter, and they must not wait behind the appends queued before them.
    WriteOp u;
    while ((u = urgent.poll()) != null) {
      group.add(u);
    }
    group.add(first);
    if (first instanceof WriteOp.Stop) {
      return true;
    }
    if (asyncIntervalNanos > 0) {
      long deadline = lastCommitNanos + asyncIntervalNanos;
      while (group.size() < maxGroupSize) {
        int from = group.size();
        queue.drainTo(group, maxGroupSize - group.size());
        if (endsWithStop(group, from)) {
          return true;
        }
        if (group.size() >= maxGroupSize) {
          break;
        }
        long wait = deadline - ticker.getAsLong();
        if (wait <= 0) {
          break;
        }
        WriteOp next;
        try {
          next = queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          continue; // the writer stops only on a Stop operation
        }
        if (next == null) {
          break;
        }
        group.add(next);
        if (next instanceof WriteOp.Stop) {
          return true;
        }
      }
      return false;
    }
    int from = group.size();
    queue.drainTo(group, maxGroupSize - 1);
    return endsWithStop(group, from);
  }

  private static boolean endsWithStop(List<WriteOp> group, int from) {
    for (int i = from; i < group.size(); i++) {
      if (group.get(i) instanceof WriteOp.Stop) {
        return true; // Stop is always the last operation ever queued
      }
    }
    return false;
  }

  private WriteOp takeUninterruptibly() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // the writer stops only on a Stop operation
      }
    }
  }

  private void process(List<WriteOp> group) {
    Delta delta = new Delta(lanes);
    List<Object> results = new ArrayList<>(group.size());
    long seqBefore = nextSeq;
    try {
      boolean batched = false;
      for (WriteOp op : group) {
        if (op instanceof WriteOp.Append a) {
          a.seq = nextSeq++;
          insert.setLong(1, a.seq);
          insert.setInt(2, a.lane);
          insert.setString(3, a.entry.personKey());
          insert.setString(4, a.entry.eventId());
          insert.setInt(5, a.entry.kind().code());
          insert.setBytes(6, a.entry.payload());
          insert.setLong(7, a.entry.acceptedAtMillis());
          insert.addBatch();
          batched = true;
          delta.appends++;
          delta.lanePending[a.lane]++;
          delta.entriesChanged = true;
          results.add(null);
          continue;
        }
        if (op instanceof WriteOp.Stop || op instanceof WriteOp.Wake) {
          results.add(null);
          continue;
        }
        if (batched) {
          insert.executeBatch();
          batched = false;
        }
        results.add(apply(op, delta));
      }
      if (batched) {
        insert.executeBatch();
      }
      if (nextSeq != seqBefore) {
        putLastSeq.setLong(1, nextSeq - 1);
        putLastSeq.executeUpdate();
      }
      if (delta.entriesChanged) {
        delta.oldestAcceptedAt = SqliteSchema.oldestAcceptedAt(conn);
      }
      conn.commit();
      lastCommitNanos = ticker.getAsLong();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      nextSeq = seqBefore;
      failure = new OutboxException("outbox " + outbox.path() + " could not commit: " + e.getMessage(), e);
      log.error("outbox {} failed; it accepts no more writes", outbox.path(), e);
      outbox.writerFailed(failure, group);
      failAll(group, failure);
      return;
    }
    outbox.committed(delta);
    complete(group, results);
    if (delta.appends > 0) {
      outbox.runAppendListeners();
    }
  }

  private Object apply(WriteOp op, Delta delta) throws SQLException {
    if (op instanceof WriteOp.Ack ack) {
      if (ack.seqs().length <= 4) {
        for (long seq : ack.seqs()) {
          delete(seq, delta);
        }
      } else {
        deleteMany(ack.seqs(), delta);
      }
      return null;
    }
    if (op instanceof WriteOp.MoveToDeadLetters move) {
      for (DeadLetterRequest r : move.requests()) {
        copyToDeadLetters.setLong(1, move.deadAtMillis());
        copyToDeadLetters.setString(2, r.reason());
        copyToDeadLetters.setInt(3, r.lastStatus());
        copyToDeadLetters.setInt(4, r.attempts());
        copyToDeadLetters.setLong(5, r.seq());
        if (copyToDeadLetters.executeUpdate() > 0 && delete(r.seq(), delta)) {
          delta.deadLetters++;
        }
      }
      return null;
    }
    if (op instanceof WriteOp.RecordFailure f) {
      for (long seq : f.seqs()) {
        recordFailure.setLong(1, f.atMillis());
        recordFailure.setString(2, f.lastError());
        recordFailure.setLong(3, seq);
        recordFailure.addBatch();
      }
      recordFailure.executeBatch();
      return null;
    }
    if (op instanceof WriteOp.Replay r) {
      return r.ids() == null ? replayAll(delta) : replay(r.ids(), delta);
    }
    if (op instanceof WriteOp.Purge p) {
      return purge(p.ids(), delta);
    }
    throw new IllegalStateException("unexpected operation " + op);
  }

  /**
   * Deletes many entries with two statements (count per lane, then delete) instead of one per
   * entry: a delivered batch of 1,000 is one acknowledgement. The sequence numbers travel as one
   * JSON array parameter read by SQLite's {@code json_each}.
   */
  private void deleteMany(long[] seqs, Delta delta) throws SQLException {
    StringBuilder json = new StringBuilder(seqs.length * 8 + 2).append('[');
    for (int i = 0; i < seqs.length; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(seqs[i]);
    }
    String list = json.append(']').toString();
    countMany.setString(1, list);
    try (ResultSet rs = countMany.executeQuery()) {
      while (rs.next()) {
        int lane = rs.getInt(1);
        long n = rs.getLong(2);
        delta.lanePending[lane] -= n;
        delta.pendingOps -= n;
        delta.pendingBytes -= rs.getLong(3);
        delta.entriesChanged = true;
      }
    }
    deleteMany.setString(1, list);
    deleteMany.executeUpdate();
  }

  /** Deletes one entry, counting it; returns false if there was none. */
  private boolean delete(long seq, Delta delta) throws SQLException {
    deleteReturning.setLong(1, seq);
    try (ResultSet rs = deleteReturning.executeQuery()) {
      if (!rs.next()) {
        return false;
      }
      delta.lanePending[rs.getInt(1)]--;
      delta.pendingOps--;
      delta.pendingBytes -= rs.getLong(2);
      delta.entriesChanged = true;
      return true;
    }
  }

  private int replay(List<Long> ids, Delta delta) throws SQLException {
    int moved = 0;
    for (long id : ids) {
      deadLetterInfo.setLong(1, id);
      String personKey;
      long bytes;
      try (ResultSet rs = deadLetterInfo.executeQuery()) {
        if (!rs.next()) {
          continue;
        }
        personKey = rs.getString(1);
        bytes = rs.getLong(2);
      }
      replayOne(id, personKey, bytes, delta);
      moved++;
    }
    return moved;
  }

  private int replayAll(Delta delta) throws SQLException {
    int moved = 0;
    long after = 0;
    while (true) {
      List<Object[]> page = new ArrayList<>(REPLAY_PAGE);
      deadLetterPage.setLong(1, after);
      try (ResultSet rs = deadLetterPage.executeQuery()) {
        while (rs.next()) {
          page.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3)});
        }
      }
      if (page.isEmpty()) {
        return moved;
      }
      for (Object[] row : page) {
        replayOne((Long) row[0], (String) row[1], (Long) row[2], delta);
        moved++;
      }
      after = (Long) page.get(page.size() - 1)[0];
    }
  }

  private void replayOne(long id, String personKey, long bytes, Delta delta) throws SQLException {
    int lane = LaneHash.lane(personKey, lanes);
    long seq = nextSeq++;
    copyFromDeadLetters.setLong(1, seq);
    copyFromDeadLetters.setInt(2, lane);
    copyFromDeadLetters.setLong(3, id);
    copyFromDeadLetters.executeUpdate();
    recordReplay.setLong(1, seq);
    recordReplay.setLong(2, id);
    recordReplay.executeUpdate();
    deleteDeadLetter.setLong(1, id);
    deleteDeadLetter.executeUpdate();
    delta.lanePending[lane]++;
    delta.pendingOps++;
    delta.pendingBytes += bytes;
    delta.deadLetters--;
    delta.entriesChanged = true;
  }

  private int purge(List<Long> ids, Delta delta) throws SQLException {
    int deleted = 0;
    if (ids == null) {
      try (Statement st = conn.createStatement()) {
        deleted = st.executeUpdate("DELETE FROM dead_letters");
      }
    } else {
      for (long id : ids) {
        deleteDeadLetter.setLong(1, id);
        deleted += deleteDeadLetter.executeUpdate();
      }
    }
    delta.deadLetters -= deleted;
    return deleted;
  }

  @SuppressWarnings("unchecked")
  private static void complete(List<WriteOp> group, List<Object> results) {
    for (int i = 0; i < group.size(); i++) {
      WriteOp op = group.get(i);
      if (op instanceof WriteOp.Append a) {
        a.future.complete(a.seq);
      } else if (op instanceof WriteOp.Ack ack) {
        ack.future().complete(null);
      } else if (op instanceof WriteOp.MoveToDeadLetters m) {
        m.future().complete(null);
      } else if (op instanceof WriteOp.RecordFailure f) {
        f.future().complete(null);
      } else if (op instanceof WriteOp.Replay r) {
        r.future().complete((Integer) results.get(i));
      } else if (op instanceof WriteOp.Purge p) {
        p.future().complete((Integer) results.get(i));
      }
    }
  }

  private static void failAll(List<WriteOp> group, Throwable cause) {
    for (WriteOp op : group) {
      op.fail(cause);
    }
  }

  private void rollbackQuietly(Exception cause) {
    try {
      conn.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private void closeQuietly() {
    for (PreparedStatement ps : new PreparedStatement[] {insert, deleteReturning, countMany, deleteMany, copyToDeadLetters, recordFailure,
        deadLetterInfo, deadLetterPage, copyFromDeadLetters, deleteDeadLetter, recordReplay, putLastSeq}) {
      try {
        ps.close();
      } catch (SQLException e) {
        log.debug("closing a statement of outbox {}", outbox.path(), e);
      }
    }
    try {
      conn.close();
    } catch (SQLException e) {
      log.warn("closing outbox {} failed", outbox.path(), e);
    }
    outbox.writerClosed();
  }
}

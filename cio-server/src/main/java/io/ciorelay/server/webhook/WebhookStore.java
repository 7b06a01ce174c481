package io.ciorelay.server.webhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The receiver's durable store: one SQLite file (WAL) written by one thread in group commits,
 * read through a second connection. A group holding a new event commits with
 * {@code synchronous=FULL}, so an event is fsync'd before its 200; a group of only delivery
 * marks skips the fsync ({@code NORMAL}), since losing a mark only means forwarding again.
 *
 * <p><b>Schema</b> (inspect with {@code sqlite3 <path>}):
 * <pre>
 * webhook_meta(key TEXT PRIMARY KEY, value)        -- 'lanes'
 * webhook_events(seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
 *     person_key TEXT NOT NULL, lane INTEGER NOT NULL, received_at INTEGER NOT NULL,
 *     cio_timestamp TEXT NOT NULL, cio_signature TEXT, body BLOB, attempts INTEGER NOT NULL DEFAULT 0,
 *     last_error TEXT, delivered_at INTEGER,
 *     dead_at INTEGER)                             -- NULL delivered_at and dead_at = pending
 * </pre>
 * A <b>dead letter</b> is an event the forwarder gave up on ({@code dead_at} set, the reason in
 * {@code last_error}): the consumer refused it for the whole attempt budget, or it cannot be sent
 * at all. It keeps its row and body until it is replayed (pending again, attempts reset) or purged
 * (deleted); retention never prunes it.
 * The UNIQUE {@code event_id} is the de-duplication, so it survives restarts. A delivered event
 * keeps its row (body and signature dropped) until the retention has passed, then it is pruned.
 * Times are epoch milliseconds. If the file was written with another lane count, pending events
 * are re-laned at open.
 *
 * <p><b>Concurrency:</b> Thread-safe. The writer thread {@code cio-webhook-store-writer} owns the
 * write connection and takes operations from an unbounded FIFO queue; it drains whatever is
 * queued (up to {@value #MAX_GROUP}) into one transaction, so concurrent inserts share one fsync,
 * then completes their futures and calls the insert listener (with each lane that got an event)
 * on the writer thread. {@code readerLock} serialises the read connection; no lock is held while
 * waiting for the writer. Only one store may use a file at a time.
 */
final class WebhookStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookStore.class);
  static final int MAX_GROUP = 512;
  private static final long PRUNE_INTERVAL_MILLIS = 600_000;

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS webhook_meta(key TEXT PRIMARY KEY, value)",
    "CREATE TABLE IF NOT EXISTS webhook_events(seq INTEGER PRIMARY KEY AUTOINCREMENT, "
        + "event_id TEXT NOT NULL UNIQUE, person_key TEXT NOT NULL, lane INTEGER NOT NULL, "
        + "received_at INTEGER NOT NULL, cio_timestamp TEXT NOT NULL, cio_signature TEXT, body BLOB, "
        + "attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, delivered_at INTEGER, dead_at INTEGER)",
    "CREATE INDEX IF NOT EXISTS webhook_pending_lane ON webhook_events(lane, seq) WHERE delivered_at IS NULL",
    "CREATE INDEX IF NOT EXISTS webhook_pending ON webhook_events(seq) WHERE delivered_at IS NULL",
    "CREATE INDEX IF NOT EXISTS webhook_delivered ON webhook_events(delivered_at) WHERE delivered_at IS NOT NULL"
  };
  private static final String COLUMNS =
      "seq, event_id, person_key, lane, received_at, cio_timestamp, cio_signature, body, attempts";

  /** What the writer thread does; the queue holds these. */
  private sealed interface Op permits Insert, Delivered, Failed, Dead, Requeue, Purge, Stop {}

  private record Insert(String eventId, String personKey, int lane, long receivedAt, String timestamp,
      String signature, byte[] body, CompletableFuture<Boolean> stored) implements Op {}

  private record Delivered(long seq, long at) implements Op {}

  private record Failed(long seq, String error) implements Op {}

  private record Stop() implements Op {}

  /** Gives up on an event: it becomes a dead letter with this reason. */
  private record Dead(long seq, String reason, int attempts, long at) implements Op {}

  /** Makes these dead letters (all of them when {@code seqs} is null) pending again. */
  private record Requeue(List<Long> seqs, CompletableFuture<Integer> done) implements Op {}

  /** Deletes these dead letters (all of them when {@code seqs} is null). */
  private record Purge(List<Long> seqs, CompletableFuture<Integer> done) implements Op {}

  private final Path path;
  private final int lanes;
  private final Clock clock;
  private final long retentionMillis;
  private final boolean pruneUndelivered;
  private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final Thread writer;
  private volatile IntConsumer insertListener = lane -> { };
  private volatile Runnable requeueListener = () -> { };
  private volatile boolean closed;
  // Writer thread only: the write connection's current synchronous setting.
  private boolean fullSync = true;

  private final ReentrantLock readerLock = new ReentrantLock();
  // Guarded by readerLock.
  private final Connection reader;
  private boolean readerClosed;

  private WebhookStore(Path path, int lanes, Clock clock, long retentionMillis, boolean pruneUndelivered,
      Connection writeConnection, Connection reader, long[] counts) {
    this.path = path;
    this.lanes = lanes;
    this.clock = clock;
    this.retentionMillis = retentionMillis;
    this.pruneUndelivered = pruneUndelivered;
    this.reader = reader;
    this.backlog.set(counts[0]);
    this.deadLetters.set(counts[1]);
    this.writer = new Thread(() -> runWriter(writeConnection), "cio-webhook-store-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Opens (creating if needed) the store file and starts its writer.
   *
   * @param pruneUndelivered whether events never delivered are pruned after the retention too
   *     (true when there is no forward URL)
   * @throws IllegalStateException naming the path if it cannot be opened
   */
  static WebhookStore open(Path path, int lanes, Clock clock, long retentionMillis, boolean pruneUndelivered) {
    Connection w = null;
    Connection r = null;
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      w = connect(path);
      long[] counts = prepare(w, lanes);
      r = connect(path);
      try (Statement st = r.createStatement()) {
        st.execute("PRAGMA query_only = 1");
      }
      return new WebhookStore(path, lanes, clock, retentionMillis, pruneUndelivered, w, r, counts);
    } catch (SQLException | IOException e) {
      closeQuietly(r);
      closeQuietly(w);
      throw new IllegalStateException("cannot open webhook store " + path + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(Path path) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    cfg.setBusyTimeout(30_000);
    return DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath(), cfg.toProperties());
  }

  /**
   * Creates the schema (adding {@code dead_at} to a file from before dead letters), re-lanes
   * pending events if the lane count changed, and counts the backlog and the dead letters.
   */
  private static long[] prepare(Connection c, int lanes) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      for (String ddl : DDL) {
        st.execute(ddl);
      }
      boolean hasDeadAt = false;
      try (ResultSet rs = st.executeQuery("PRAGMA table_info(webhook_events)")) {
        while (rs.next()) {
          hasDeadAt |= rs.getString("name").equals("dead_at");
        }
      }
      if (!hasDeadAt) {
        st.execute("ALTER TABLE webhook_events ADD COLUMN dead_at INTEGER");
      }
      Integer stored = null;
      try (ResultSet rs = st.executeQuery("SELECT value FROM webhook_meta WHERE key = 'lanes'")) {
        if (rs.next()) {
          stored = rs.getInt(1);
        }
      }
      if (stored != null && stored != lanes) {
        try (ResultSet rs = c.createStatement().executeQuery(
                "SELECT seq, person_key FROM webhook_events WHERE delivered_at IS NULL AND dead_at IS NULL");
            PreparedStatement up = c.prepareStatement("UPDATE webhook_events SET lane = ? WHERE seq = ?")) {
          while (rs.next()) {
            up.setInt(1, io.ciorelay.delivery.outbox.LaneHash.lane(rs.getString(2), lanes));
            up.setLong(2, rs.getLong(1));
            up.executeUpdate();
          }
        }
      }
      st.execute("INSERT OR REPLACE INTO webhook_meta(key, value) VALUES('lanes', " + lanes + ")");
      long[] counts = new long[2];
      try (ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE dead_at IS NULL), "
          + "count(*) FILTER (WHERE dead_at IS NOT NULL) FROM webhook_events WHERE delivered_at IS NULL")) {
        rs.next();
        counts[0] = rs.getLong(1);
        counts[1] = rs.getLong(2);
      }
      c.commit();
      return counts;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  /** Sets who is told, on the writer thread, that a lane got a new event. */
  void onInsert(IntConsumer listener) {
    this.insertListener = listener;
  }

  /** Sets who is told, on the writer thread, that dead letters became pending again (lanes must re-read). */
  void onRequeue(Runnable listener) {
    this.requeueListener = listener;
  }

  int lanes() {
    return lanes;
  }

  /**
   * Hands an event to the writer. The future completes after the commit: true if stored, false if
   * its event id was already there; exceptionally if the commit failed or the store is closed.
   */
  CompletableFuture<Boolean> insert(String eventId, String personKey, String timestamp, String signature,
      byte[] body) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(new IllegalStateException("webhook store " + path + " is closed"));
      return f;
    }
    queue.add(new Insert(eventId, personKey, io.ciorelay.delivery.outbox.LaneHash.lane(personKey, lanes), clock.millis(), timestamp, signature,
        body, f));
    return f;
  }

  /** Marks an event delivered (committed later, in a group; not waited for). */
  void delivered(long seq) {
    if (!closed) {
      queue.add(new Delivered(seq, clock.millis()));
    }
  }

  /** Records a failed forward attempt (committed later, in a group; not waited for). */
  void failed(long seq, String error) {
    if (!closed) {
      queue.add(new Failed(seq, error));
    }
  }

  /**
   * Gives up on an event after {@code attempts} failed attempts: it becomes a dead letter with the
   * reason (committed later, in a group).
   */
  void deadLetter(long seq, String reason, int attempts) {
    if (!closed) {
      queue.add(new Dead(seq, reason, attempts, clock.millis()));
    }
  }

  /**
   * Makes dead letters pending again with their attempts reset; {@code seqs} null means all. The
   * future completes after the commit with how many moved.
   */
  CompletableFuture<Integer> requeue(List<Long> seqs) {
    return enqueue(done -> new Requeue(seqs == null ? null : List.copyOf(seqs), done));
  }

  /** Deletes dead letters for good; {@code seqs} null means all. Completes with how many were deleted. */
  CompletableFuture<Integer> purge(List<Long> seqs) {
    return enqueue(done -> new Purge(seqs == null ? null : List.copyOf(seqs), done));
  }

  private CompletableFuture<Integer> enqueue(java.util.function.Function<CompletableFuture<Integer>, Op> op) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new IllegalStateException("webhook store " + path + " is closed"));
    } else {
      queue.add(op.apply(done));
    }
    return done;
  }

  /** Dead letters committed so far. */
  long deadLetterCount() {
    return deadLetters.get();
  }

  /** Up to {@code limit} dead letters with seq above {@code afterSeq}, in order. */
  List<WebhookDeadLetter> deadLetters(long afterSeq, int limit) throws SQLException {
    readerLock.lock();
    try {
      checkOpen();
      try (PreparedStatement ps = reader.prepareStatement("SELECT " + COLUMNS + ", last_error, dead_at "
          + "FROM webhook_events WHERE seq > ? AND delivered_at IS NULL AND dead_at IS NOT NULL ORDER BY seq LIMIT ?")) {
        ps.setLong(1, afterSeq);
        ps.setInt(2, limit);
        List<WebhookDeadLetter> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String reason = rs.getString(10);
            out.add(new WebhookDeadLetter(event(rs), reason == null ? "" : reason, Instant.ofEpochMilli(rs.getLong(11))));
          }
        }
        return out;
      }
    } finally {
      readerLock.unlock();
    }
  }

  /** Group commits since open (for benchmarks and tests). */
  long commits() {
    return commits.get();
  }

  /** Pending events committed so far. */
  long backlog() {
    return backlog.get();
  }

  /** Up to {@code limit} pending events of {@code lane} with seq above {@code afterSeq}, in order. */
  List<WebhookEvent> pendingInLane(int lane, long afterSeq, int limit) throws SQLException {
    return query("SELECT " + COLUMNS + " FROM webhook_events WHERE lane = ? AND seq > ? AND delivered_at IS NULL "
        + "AND dead_at IS NULL ORDER BY seq LIMIT ?", lane, afterSeq, limit);
  }

  /** Up to {@code limit} pending events with seq above {@code afterSeq}, in order. */
  List<WebhookEvent> pending(long afterSeq, int limit) throws SQLException {
    return query("SELECT " + COLUMNS + " FROM webhook_events WHERE seq > ? AND delivered_at IS NULL "
        + "AND dead_at IS NULL ORDER BY seq LIMIT ?", afterSeq, limit);
  }

  /** When the first pending event (by seq) was received, or -1 if none is pending. */
  long oldestPendingReceivedAt() throws SQLException {
    readerLock.lock();
    try {
      checkOpen();
      try (Statement st = reader.createStatement();
          ResultSet rs = st.executeQuery(
              "SELECT received_at FROM webhook_events WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY seq LIMIT 1")) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    } finally {
      readerLock.unlock();
    }
  }

  private List<WebhookEvent> query(String sql, Object... args) throws SQLException {
    readerLock.lock();
    try {
      checkOpen();
      try (PreparedStatement ps = reader.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 1, args[i]);
        }
        List<WebhookEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(event(rs));
          }
        }
        return out;
      }
    } finally {
      readerLock.unlock();
    }
  }

  /** The event in the current row, read in {@link #COLUMNS} order. */
  private static WebhookEvent event(ResultSet rs) throws SQLException {
    byte[] body = rs.getBytes(8);
    String sig = rs.getString(7);
    return new WebhookEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
        Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), sig == null ? "" : sig,
        body == null ? new byte[0] : body, rs.getInt(9));
  }

  private void checkOpen() throws SQLException {
    if (readerClosed) {
      throw new SQLException("webhook store " + path + " is closed");
    }
  }

  /** Commits what is queued, stops the writer and closes both connections. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      queue.add(new Stop());
    }
    boolean interrupted = false;
    while (writer.isAlive() && Thread.currentThread() != writer) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    readerLock.lock();
    try {
      if (!readerClosed) {
        readerClosed = true;
        closeQuietly(reader);
      }
    } finally {
      readerLock.unlock();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- writer thread ----

  private void runWriter(Connection c) {
    List<Op> group = new ArrayList<>(MAX_GROUP);
    long lastPrune = 0;
    try (c;
        PreparedStatement insert = c.prepareStatement("INSERT INTO webhook_events(event_id, person_key, lane, "
            + "received_at, cio_timestamp, cio_signature, body) VALUES(?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT(event_id) DO NOTHING");
        PreparedStatement delivered = c.prepareStatement("UPDATE webhook_events SET delivered_at = ?, body = NULL, "
            + "cio_signature = NULL WHERE seq = ? AND delivered_at IS NULL");
        PreparedStatement failed = c.prepareStatement(
            "UPDATE webhook_events SET attempts = attempts + 1, last_error = ? WHERE seq = ?");
        PreparedStatement dead = c.prepareStatement("UPDATE webhook_events SET dead_at = ?, last_error = ?, "
            + "attempts = ? WHERE seq = ? AND delivered_at IS NULL AND dead_at IS NULL")) {
      boolean stop = false;
      while (!stop) {
        Op first = queue.poll(PRUNE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          group.add(first);
          queue.drainTo(group, MAX_GROUP - 1);
          stop = commitGroup(c, group, insert, delivered, failed, dead);
          group.clear();
        }
        long now = clock.millis();
        if (now - lastPrune >= PRUNE_INTERVAL_MILLIS && !stop) {
          lastPrune = now;
          prune(c, now);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      log.error("webhook store {} writer stopped", path, e);
    } finally {
      closed = true;
      failAll(group);
      List<Op> rest = new ArrayList<>();
      queue.drainTo(rest);
      failAll(rest);
    }
  }

  /** Runs one group in one transaction; returns true if it held the stop marker. */
  private boolean commitGroup(Connection c, List<Op> group, PreparedStatement insert, PreparedStatement delivered,
      PreparedStatement failed, PreparedStatement dead) throws SQLException {
    boolean stop = false;
    long deadDelta = 0;
    int[] changed = new int[group.size()];
    boolean requeued = false;
    setFullSync(c, group.stream().anyMatch(op -> op instanceof Insert));
    boolean[] stored = new boolean[group.size()];
    long backlogDelta = 0;
    boolean[] lanesTouched = new boolean[lanes];
    try {
      for (int i = 0; i < group.size(); i++) {
        Op op = group.get(i);
        if (op instanceof Insert in) {
          insert.setString(1, in.eventId());
          insert.setString(2, in.personKey());
          insert.setInt(3, in.lane());
          insert.setLong(4, in.receivedAt());
          insert.setString(5, in.timestamp());
          insert.setString(6, in.signature());
          insert.setBytes(7, in.body());
          stored[i] = insert.executeUpdate() == 1;
          if (stored[i]) {
            backlogDelta++;
            lanesTouched[in.lane()] = true;
          }
        } else if (op instanceof Delivered d) {
          delivered.setLong(1, d.at());
          delivered.setLong(2, d.seq());
          backlogDelta -= delivered.executeUpdate();
        } else if (op instanceof Failed f) {
          failed.setString(1, f.error());
          failed.setLong(2, f.seq());
          failed.executeUpdate();
        } else if (op instanceof Dead d) {
          dead.setLong(1, d.at());
          dead.setString(2, d.reason());
          dead.setInt(3, d.attempts());
          dead.setLong(4, d.seq());
          int n = dead.executeUpdate();
          backlogDelta -= n;
          deadDelta += n;
        } else if (op instanceof Requeue q) {
          changed[i] = updateDead(c, "UPDATE webhook_events SET dead_at = NULL, attempts = 0", q.seqs());
          backlogDelta += changed[i];
          deadDelta -= changed[i];
          requeued |= changed[i] > 0;
        } else if (op instanceof Purge p) {
          changed[i] = updateDead(c, "DELETE FROM webhook_events", p.seqs());
          deadDelta -= changed[i];
        } else {
          stop = true;
        }
      }
      c.commit();
    } catch (SQLException e) {
      try {
        c.rollback();
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      log.warn("webhook store {}: a group of {} operations failed to commit", path, group.size(), e);
      for (Op op : group) {
        if (op instanceof Insert in) {
          in.stored().completeExceptionally(e);
        } else if (op instanceof Requeue q) {
          q.done().completeExceptionally(e);
        } else if (op instanceof Purge p) {
          p.done().completeExceptionally(e);
        }
      }
      return stop;
    }
    commits.incrementAndGet();
    backlog.addAndGet(backlogDelta);
    deadLetters.addAndGet(deadDelta);
    for (int i = 0; i < group.size(); i++) {
      if (group.get(i) instanceof Insert in) {
        in.stored().complete(stored[i]);
      } else if (group.get(i) instanceof Requeue q) {
        q.done().complete(changed[i]);
      } else if (group.get(i) instanceof Purge p) {
        p.done().complete(changed[i]);
      }
    }
    if (requeued) {
      try {
        requeueListener.run();
      } catch (RuntimeException e) {
        log.warn("webhook store requeue listener failed", e);
      }
    }
    IntConsumer listener = insertListener;
    for (int lane = 0; lane < lanes; lane++) {
      if (lanesTouched[lane]) {
        try {
          listener.accept(lane);
        } catch (RuntimeException e) {
          log.warn("webhook store insert listener failed", e);
        }
      }
    }
    return stop;
  }

  /** Runs {@code head} over the dead letters among {@code seqs} (every dead letter when null); returns the row count. */
  private static int updateDead(Connection c, String head, List<Long> seqs) throws SQLException {
    String where = " WHERE delivered_at IS NULL AND dead_at IS NOT NULL";
    if (seqs == null) {
      try (Statement st = c.createStatement()) {
        return st.executeUpdate(head + where);
      }
    }
    int n = 0;
    try (PreparedStatement ps = c.prepareStatement(head + where + " AND seq = ?")) {
      for (long seq : seqs) {
        ps.setLong(1, seq);
        n += ps.executeUpdate();
      }
    }
    return n;
  }

  /**
   * Groups with an insert commit with {@code synchronous=FULL} (fsync before the 200); groups of
   * only delivery marks and failure counts commit with {@code NORMAL}, skipping the fsync: losing
   * one to a power cut only means an event is forwarded again (at least once), and the next FULL
   * commit makes the WAL frames before it durable too.
   */
  private void setFullSync(Connection c, boolean full) throws SQLException {
    if (full == fullSync) {
      return;
    }
    c.setAutoCommit(true); // the setting cannot change inside a transaction
    try (Statement st = c.createStatement()) {
      st.execute(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    } finally {
      c.setAutoCommit(false);
    }
    fullSync = full;
  }

  private void prune(Connection c, long now) {
    long before = now - retentionMillis;
    try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM webhook_events WHERE delivered_at IS NOT NULL AND delivered_at < ?");
        PreparedStatement undelivered = c.prepareStatement(
            "DELETE FROM webhook_events WHERE delivered_at IS NULL AND dead_at IS NULL AND received_at < ?")) {
      ps.setLong(1, before);
      int pruned = ps.executeUpdate();
      int prunedPending = 0;
      if (pruneUndelivered) {
        undelivered.setLong(1, before);
        prunedPending = undelivered.executeUpdate();
      }
      c.commit();
      backlog.addAndGet(-prunedPending);
      if (pruned + prunedPending > 0) {
        log.info("webhook store {} pruned {} events older than the retention", path, pruned + prunedPending);
      }
    } catch (SQLException e) {
      try {
        c.rollback();
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      log.warn("webhook store {}: pruning failed", path, e);
    }
  }

  private void failAll(List<Op> ops) {
    for (Op op : ops) {
      IllegalStateException closedError = new IllegalStateException("webhook store " + path + " is closed");
      if (op instanceof Insert in) {
        in.stored().completeExceptionally(closedError);
      } else if (op instanceof Requeue q) {
        q.done().completeExceptionally(closedError);
      } else if (op instanceof Purge p) {
        p.done().completeExceptionally(closedError);
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        log.debug("closing a webhook store resource failed", e);
      }
    }
  }
}

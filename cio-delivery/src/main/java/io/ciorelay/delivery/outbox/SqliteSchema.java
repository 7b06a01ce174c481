package io.ciorelay.delivery.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;

/**
 * Opens connections to the outbox file, creates or checks its schema, re-lanes entries when the
 * lane count changed, and loads the counters the store keeps in memory. Used only while opening,
 * on the opening thread. Not thread-safe.
 */
final class SqliteSchema {

  static final int SCHEMA_VERSION = 1;
  /** Page size of a newly created outbox file, in bytes. */
  static final int PAGE_SIZE = 16_384;

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value)",
    "CREATE TABLE IF NOT EXISTS entries("
        + "seq INTEGER PRIMARY KEY, lane INTEGER NOT NULL, person_key TEXT NOT NULL, event_id TEXT, "
        + "kind INTEGER NOT NULL, payload BLOB NOT NULL, accepted_at INTEGER NOT NULL, "
        + "attempts INTEGER NOT NULL DEFAULT 0, first_failure_at INTEGER NOT NULL DEFAULT 0, last_error TEXT)",
    "CREATE INDEX IF NOT EXISTS entries_lane_seq ON entries(lane, seq)",
    "CREATE TABLE IF NOT EXISTS dead_letters("
        + "id INTEGER PRIMARY KEY AUTOINCREMENT, original_seq INTEGER NOT NULL, person_key TEXT NOT NULL, "
        + "event_id TEXT, kind INTEGER NOT NULL, payload BLOB NOT NULL, accepted_at INTEGER NOT NULL, "
        + "dead_at INTEGER NOT NULL, reason TEXT, last_status INTEGER NOT NULL, attempts INTEGER NOT NULL)",
    // Where a replayed dead letter went: its original sequence number and the one it was replayed
    // as, so a receipt asked about the original follows the operation instead of reporting it
    // delivered. One row per replay; older files get the table when opened.
    "CREATE TABLE IF NOT EXISTS replays(original_seq INTEGER PRIMARY KEY, replayed_seq INTEGER NOT NULL)"
  };

  /** What the store needs to know about the file's contents when it opens. */
  record Loaded(long nextSeq, long[] lanePending, long pendingBytes, long deadLetters, long oldestAcceptedAt) {}

  private SqliteSchema() {}

  static Connection connect(Path path, Durability durability, boolean reader) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    if (reader) {
      cfg.setJournalMode(SQLiteConfig.JournalMode.WAL); // the writer opened first and made it so
    }
    cfg.setSynchronous(durability == Durability.SYNC
        ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(30_000);
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath(), cfg.toProperties());
    try (Statement st = c.createStatement()) {
      // Forces SQLite to read the header now, so a file that is not a database fails at open.
      st.executeQuery("SELECT count(*) FROM sqlite_master").close();
      if (reader) {
        st.execute("PRAGMA query_only = 1");
      } else {
        // The page size first: only a new file takes it (a file keeps the size it was made with),
        // and only before it turns to WAL. Larger pages hold more entries of each lane together,
        // so acknowledging a lane's batch rewrites fewer pages: about a third less writer time
        // per delivered entry than SQLite's default 4 KiB (BENCHMARKS.md).
        st.execute("PRAGMA page_size = " + PAGE_SIZE);
        st.execute("PRAGMA journal_mode = WAL");
      }
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  static void createParentDirectories(Path path) {
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null) {
      return;
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new OutboxException("cannot create the directory of outbox " + path + ": " + e, e);
    }
  }

  /**
   * Creates the tables if missing, checks the schema version, re-lanes entries if the file was
   * written with another lane count, and loads counters; all in one transaction on {@code writer}.
   */
  static Loaded prepare(Connection writer, int lanes, Path path) throws SQLException {
    writer.setAutoCommit(false);
    try (Statement st = writer.createStatement()) {
      for (String ddl : DDL) {
        st.execute(ddl);
      }
      Long version = metaLong(writer, "schema_version");
      if (version == null) {
        putMeta(writer, "schema_version", SCHEMA_VERSION);
      } else if (version != SCHEMA_VERSION) {
        throw new OutboxException("outbox " + path + " has schema version " + version
            + " but this version of the store reads only version " + SCHEMA_VERSION);
      }
      Long storedLanes = metaLong(writer, "lanes");
      if (storedLanes != null && storedLanes != lanes) {
        relane(writer, lanes);
      }
      putMeta(writer, "lanes", lanes);

      long[] lanePending = new long[lanes];
      long bytes = 0;
      try (ResultSet rs = st.executeQuery(
          "SELECT lane, count(*), coalesce(sum(length(payload)), 0) FROM entries GROUP BY lane")) {
        while (rs.next()) {
          lanePending[rs.getInt(1)] = rs.getLong(2);
          bytes += rs.getLong(3);
        }
      }
      long deadLetters;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM dead_letters")) {
        rs.next();
        deadLetters = rs.getLong(1);
      }
      long maxSeq;
      try (ResultSet rs = st.executeQuery("SELECT max(coalesce((SELECT max(seq) FROM entries), 0), "
          + "coalesce((SELECT max(original_seq) FROM dead_letters), 0))")) {
        rs.next();
        maxSeq = rs.getLong(1);
      }
      Long lastSeq = metaLong(writer, "last_seq");
      long nextSeq = Math.max(maxSeq, lastSeq == null ? 0 : lastSeq) + 1;
      long oldest = oldestAcceptedAt(writer);
      writer.commit();
      return new Loaded(nextSeq, lanePending, bytes, deadLetters, oldest);
    } catch (SQLException | RuntimeException e) {
      try {
        writer.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  static long oldestAcceptedAt(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT accepted_at FROM entries ORDER BY seq LIMIT 1")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  private static void relane(Connection c, int lanes) throws SQLException {
    Function.create(c, "cio_outbox_lane", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        result(LaneHash.lane(value_text(0), lanes));
      }
    });
    try (Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE entries SET lane = cio_outbox_lane(person_key)");
    } finally {
      Function.destroy(c, "cio_outbox_lane");
    }
  }

  static Long metaLong(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  static void putMeta(Connection c, String key, long value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")) {
      ps.setString(1, key);
      ps.setLong(2, value);
      ps.executeUpdate();
    }
  }
}

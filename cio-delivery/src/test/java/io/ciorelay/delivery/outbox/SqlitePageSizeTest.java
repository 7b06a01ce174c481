package io.ciorelay.delivery.outbox;

import static io.ciorelay.delivery.outbox.Entries.appendCommitted;
import static io.ciorelay.delivery.outbox.Entries.config;
import static io.ciorelay.delivery.outbox.Entries.entry;
import static io.ciorelay.delivery.outbox.Entries.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New outbox files use 16 KiB pages; a file made with other pages keeps them and still works. */
class SqlitePageSizeTest {
  @TempDir
  Path dir;

  private static long pageSize(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA page_size")) {
      return rs.getLong(1);
    }
  }

  @Test
  void aNewFileHasSixteenKibPages() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      appendCommitted(outbox, entry("p", "one"));
    }
    assertEquals(SqliteSchema.PAGE_SIZE, pageSize(dir.resolve("outbox.db")));
  }

  @Test
  void aFileWithFourKibPagesKeepsThemAndItsEntries() throws Exception {
    Path file = dir.resolve("outbox.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      st.execute("PRAGMA page_size = 4096"); // as files made by an older release have
      st.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value)"); // the file now exists with that size
    }
    long first;
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      first = appendCommitted(outbox, entry("p", "before"));
    }
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      appendCommitted(outbox, entry("p", "after"));
      List<StoredEntry> lane = outbox.peek(outbox.laneOf("p"), 10, 1_000_000);
      assertEquals(List.of("before", "after"), lane.stream().map(e -> text(e.payload())).toList());
      assertEquals(first, lane.get(0).seq());
    }
    assertEquals(4096, pageSize(file));
  }
}

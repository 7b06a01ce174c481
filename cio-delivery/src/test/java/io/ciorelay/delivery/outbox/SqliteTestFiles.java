package io.ciorelay.delivery.outbox;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Direct SQL on an outbox file, as a user would with the sqlite3 shell (store closed). */
final class SqliteTestFiles {
  private SqliteTestFiles() {}

  static Connection connect(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }

  static void execute(Path file, String sql) throws SQLException {
    try (Connection c = connect(file); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  static long meta(Path file, String key) throws SQLException {
    try (Connection c = connect(file); PreparedStatement ps = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static String lastError(Path file, long seq) throws SQLException {
    try (Connection c = connect(file);
        PreparedStatement ps = c.prepareStatement("SELECT last_error FROM entries WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  static String integrityCheck(Path file) throws SQLException {
    try (Connection c = connect(file); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      rs.next();
      return rs.getString(1);
    }
  }
}

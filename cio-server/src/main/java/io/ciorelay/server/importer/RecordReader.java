package io.ciorelay.server.importer;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Splits a file into records — NDJSON lines, or CSV records that may span lines inside quotes —
 * and tracks the exact byte offset and line number of each, so an import can checkpoint a byte
 * offset and later seek straight back to it.
 *
 * <p>Why by hand: commons-csv reports character positions, not bytes, and reads ahead, so it cannot
 * say where in a UTF-8 file a record ends. Finding record boundaries needs only the quote rule of
 * RFC 4180 (a {@code "} at the start of a field opens a quoted section, {@code ""} inside it is a
 * literal quote, and line breaks inside it belong to the field); the fields themselves are still
 * parsed by commons-csv. Scanning bytes is safe for UTF-8: the bytes of a multi-byte character are
 * never ASCII, so they never look like a quote, comma or newline.
 *
 * <p>A record longer than {@code maxRecordBytes} is not buffered: it is skipped to the next line
 * break (quote state reset) and returned with {@link Record#oversize()} set, so memory stays flat
 * whatever the input. Not thread-safe.
 */
final class RecordReader implements Closeable {
  /** One record: its first line (1-based), byte range {@code [start, end)} including the line break, and content without it. */
  record Record(long line, long start, long end, byte[] bytes, boolean oversize) {}

  private final InputStream in;
  private final boolean csv;
  private final int maxRecordBytes;
  private long offset;
  private long line;
  private final byte[] buffer = new byte[1 << 16];
  private int pos;
  private int limit;

  private RecordReader(InputStream in, boolean csv, int maxRecordBytes, long offset, long line) {
    this.in = in;
    this.csv = csv;
    this.maxRecordBytes = maxRecordBytes;
    this.offset = offset;
    this.line = line;
  }

  /**
   * Opens a file positioned at {@code offset}, which must be a record boundary, whose line number is {@code line}.
   *
   * @throws IOException if the file cannot be opened
   */
  static RecordReader open(Path file, boolean csv, int maxRecordBytes, long offset, long line) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      ch.position(offset);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new RecordReader(Channels.newInputStream(ch), csv, maxRecordBytes,
        offset, line);
  }

  /** For tests: reads from a stream that starts at offset 0, line 1. */
  static RecordReader of(InputStream in, boolean csv, int maxRecordBytes) {
    return new RecordReader(in, csv, maxRecordBytes, 0, 1);
  }

  /** The byte offset of the next record. */
  long offset() {
    return offset;
  }

  /** The line number of the next record. */
  long line() {
    return line;
  }

  /**
   * Reads the next record, or null at the end of the file. A final record without a line break is
   * returned as usual. Blank lines are returned as empty records (callers skip them).
   *
   * @throws IOException if reading fails
   */
  Record next() throws IOException {
    long startOffset = offset;
    long startLine = line;
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    boolean oversize = false;
    boolean quoted = false;
    boolean fieldStart = true;
    int b = read();
    if (b < 0) {
      return null;
    }
    while (b >= 0) {
      offset++;
      if (b == '\n') {
        line++;
        if (!quoted || oversize) {
          break;
        }
      }
      if (csv && !oversize) {
        if (quoted) {
          if (b == '"') {
            int n = peek();
            if (n == '"') {
              append(buf, b);
              b = read();
              offset++;
            } else {
              quoted = false;
            }
          }
        } else if (b == '"' && fieldStart) {
          quoted = true;
        }
        fieldStart = b == ',' || b == '\n' || b == '\r';
      }
      if (!oversize) {
        if (buf.size() >= maxRecordBytes) {
          oversize = true;
          buf = null;
        } else {
          append(buf, b);
        }
      }
      b = read();
    }
    if (oversize) {
      return new Record(startLine, startOffset, offset, new byte[0], true);
    }
    byte[] bytes = buf.toByteArray();
    if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
      bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    }
    return new Record(startLine, startOffset, offset, bytes, false);
  }

  private static void append(ByteArrayOutputStream buf, int b) {
    if (buf != null) {
      buf.write(b);
    }
  }

  private int read() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    return buffer[pos++] & 0xff;
  }

  private int peek() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    return buffer[pos] & 0xff;
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

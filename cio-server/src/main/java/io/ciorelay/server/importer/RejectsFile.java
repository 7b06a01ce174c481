package io.ciorelay.server.importer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The rejects file: one JSON object per line, {@code {"line":N,"reason":"…","row":"…"}}, for every
 * row that was not sent (bad input) or that Customer.io refused. {@code row} is the row as read,
 * cut to {@value #MAX_ROW_CHARS} characters. On resume the file is cut back to the length the
 * checkpoint recorded, so a row is never listed twice. Not thread-safe.
 */
final class RejectsFile implements Closeable {
  static final int MAX_ROW_CHARS = 1000;
  private static final JsonFactory JSON = new JsonFactory();

  private final FileChannel channel;
  private final OutputStream out;

  private RejectsFile(FileChannel channel) {
    this.channel = channel;
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
  }

  /**
   * Opens the file keeping its first {@code keepBytes} bytes (0 starts it afresh).
   *
   * @throws IOException if it cannot be opened
   */
  static RejectsFile open(Path path, long keepBytes) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      if (ch.size() < keepBytes) {
        throw new IOException("the rejects file " + path + " is shorter (" + ch.size()
            + " bytes) than the checkpoint says (" + keepBytes + " bytes); it was changed since the last run");
      }
      ch.truncate(keepBytes);
      ch.position(keepBytes);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new RejectsFile(ch);
  }

  /** Appends one rejected row. @throws IOException if writing fails */
  void write(long line, String reason, byte[] raw) throws IOException {
    JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.writeStartObject();
    g.writeNumberField("line", line);
    g.writeStringField("reason", reason);
    if (raw != null) {
      String row = new String(raw, StandardCharsets.UTF_8);
      g.writeStringField("row", row.length() <= MAX_ROW_CHARS ? row : row.substring(0, MAX_ROW_CHARS) + "…");
    }
    g.writeEndObject();
    g.close();
    out.write('\n');
  }

  /** Flushes and forces to disk; returns the file's length. @throws IOException if that fails */
  long sync() throws IOException {
    out.flush();
    channel.force(false);
    return channel.position();
  }

  @Override
  public void close() throws IOException {
    out.flush();
    channel.close();
  }
}

package io.ciorelay.loadtest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands out the load test's person ids ({@code load-<runId>-<n>}, unique per run) and writes each one
 * to the persons file as it is handed out, one per line, so {@code cio cleanup-load-test} can find
 * every person the run may have created — even if the run is stopped half-way. Thread-safe.
 */
final class PersonLog implements AutoCloseable {
  private final String prefix;
  private final Path file;
  private final BufferedWriter out;
  private long count;
  private String first;
  private String last;

  PersonLog(String runId, Path file) {
    this.prefix = "load-" + runId + "-";
    this.file = file;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the persons file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The next person id; recorded in the file before it is returned. */
  synchronized String next() {
    String id = prefix + (++count);
    try {
      out.write(id);
      out.newLine();
      if ((count & 255) == 0) {
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the persons file " + file + ": " + e.getMessage(), e);
    }
    if (first == null) {
      first = id;
    }
    last = id;
    return id;
  }

  synchronized long count() {
    return count;
  }

  Path file() {
    return file;
  }

  synchronized String first() {
    return first;
  }

  synchronized String last() {
    return last;
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the persons file " + file + ": " + e.getMessage(), e);
    }
  }
}

package io.ciorelay.server.importer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where an import got to: the input's identity and the byte offset and line after the last batch
 * Customer.io answered (with everything before it sent or in the rejects file), plus running
 * counts. Stored as a small JSON file written atomically (temporary file, fsync, rename), so a
 * crash leaves either the old or the new checkpoint, never a torn one.
 *
 * <p>Identity is the file's size and a SHA-256 fingerprint of its size, first 64 KiB and last
 * 64 KiB: cheap for any size, stable when the file is copied or moved, and different when it is
 * edited at either end or grows. An edit in the middle of a large file that keeps its size is not
 * detected. Immutable.
 *
 * @param version       format version, {@value #VERSION}
 * @param file          the input's absolute path when the checkpoint was written (informational)
 * @param size          the input's size in bytes
 * @param fingerprint   hex SHA-256 fingerprint
 * @param type          identify or event
 * @param format        ndjson or csv
 * @param idColumn      the identifier column
 * @param offset        byte offset to resume from
 * @param line          line number at that offset
 * @param rejectsBytes  length of the rejects file that goes with this offset
 * @param sent          rows Customer.io accepted so far
 * @param rejected      rows rejected so far
 * @param retried       retried requests so far
 * @param complete      whether the whole file was done
 */
record Checkpoint(int version, String file, long size, String fingerprint, String type, String format,
    String idColumn, long offset, long line, long rejectsBytes, long sent, long rejected, long retried,
    boolean complete) {

  static final int VERSION = 1;
  private static final int EDGE = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The input's identity: size and fingerprint. */
  record Identity(long size, byte[] fingerprint) {
    String hex() {
      return HexFormat.of().formatHex(fingerprint);
    }
  }

  /**
   * Fingerprints a file.
   *
   * @throws IOException if it cannot be read
   */
  static Identity identify(Path file) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      sha.update(ByteBuffer.allocate(Long.BYTES).putLong(size).array());
      try (InputStream in = Files.newInputStream(file)) {
        sha.update(in.readNBytes(EDGE));
      }
      if (size > EDGE) {
        ByteBuffer tail = ByteBuffer.allocate((int) Math.min(EDGE, size - EDGE));
        ch.position(size - tail.capacity());
        while (tail.hasRemaining() && ch.read(tail) >= 0) {
          // fill
        }
        sha.update(tail.array(), 0, tail.position());
      }
      return new Identity(size, sha.digest());
    }
  }

  /** Reads a checkpoint; null if there is none. @throws ImportException if it is unreadable */
  static Checkpoint read(Path path) {
    try {
      byte[] bytes = Files.readAllBytes(path);
      Checkpoint c = JSON.readValue(bytes, Checkpoint.class);
      if (c.version() != VERSION) {
        throw new ImportException("checkpoint " + path + " has version " + c.version() + ", this cio reads "
            + VERSION + "; delete it or use --restart");
      }
      return c;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new ImportException("cannot read checkpoint " + path + ": " + e.getMessage()
          + "; delete it or use --restart to start over");
    }
  }

  /** Writes atomically: temporary file beside it, fsync, rename over. @throws IOException if writing fails */
  void write(Path path) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Path tmp = dir.resolve(path.getFileName() + ".tmp");
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // not every platform can fsync a directory; the rename is still atomic
    }
  }

  Checkpoint advance(long offset, long line, long rejectsBytes, long sent, long rejected, long retried,
      boolean complete) {
    return new Checkpoint(version, file, size, fingerprint, type, format, idColumn, offset, line, rejectsBytes, sent,
        rejected, retried, complete);
  }
}

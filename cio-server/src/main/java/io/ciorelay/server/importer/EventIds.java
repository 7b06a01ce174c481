package io.ciorelay.server.importer;

import com.github.f4b6a3.ulid.Ulid;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Gives each event row a ULID that depends only on the input file's fingerprint and the row's line
 * number, so the same row gets the same id in every run — after a crash, a resume, or a repeated
 * import of the same file — and Customer.io drops the repeats.
 *
 * <p>The 48-bit time part is the event's timestamp in milliseconds (0 when the row has none); the
 * 80 "random" bits are the first 80 bits of SHA-256(fingerprint, line). Not thread-safe (one digest
 * per instance).
 */
final class EventIds {
  private static final long MAX_ULID_MILLIS = (1L << 48) - 1;

  private final byte[] fingerprint;
  private final MessageDigest sha;

  EventIds(byte[] fingerprint) {
    this.fingerprint = fingerprint.clone();
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The id of the event on {@code line}, whose timestamp (unix seconds) is {@code timestamp} or null. */
  String idFor(long line, Long timestamp) {
    sha.reset();
    sha.update(fingerprint);
    sha.update(ByteBuffer.allocate(Long.BYTES).putLong(line).array());
    byte[] hash = sha.digest();
    long millis = 0;
    if (timestamp != null && timestamp >= 0 && timestamp <= MAX_ULID_MILLIS / 1000) {
      millis = timestamp * 1000;
    }
    byte[] bytes = new byte[16];
    for (int i = 0; i < 6; i++) {
      bytes[i] = (byte) (millis >>> (40 - 8 * i));
    }
    System.arraycopy(hash, 0, bytes, 6, 10);
    return Ulid.from(bytes).toString();
  }
}

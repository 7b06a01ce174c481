package io.ciorelay.server.pipelines;

import com.github.f4b6a3.ulid.Ulid;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Event ids derived from a Segment call's {@code messageId}: a ULID whose time part is the call's
 * {@code timestamp} (0 when the call has none) and whose 80 random bits are the first 80 bits of
 * SHA-256 of the messageId. Every retry of a call, on any relay, maps to the same id, so
 * Customer.io drops the repeats. Stateless and thread-safe.
 */
public final class MessageIds {
  private static final byte[] DOMAIN = "cio-relay pipelines messageId\0".getBytes(StandardCharsets.UTF_8);

  private MessageIds() {}

  /**
   * The event id of a call.
   *
   * @param messageId       the call's messageId, not null
   * @param timestampMillis the call's timestamp in epoch milliseconds, or null
   */
  public static String ulid(String messageId, Long timestampMillis) {
    byte[] hash;
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(DOMAIN);
      hash = d.digest(messageId.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long time = timestampMillis == null ? 0 : Math.max(0, Math.min(timestampMillis, (1L << 48) - 1));
    byte[] bytes = new byte[16];
    for (int i = 0; i < 6; i++) {
      bytes[i] = (byte) (time >>> (8 * (5 - i)));
    }
    System.arraycopy(hash, 0, bytes, 6, 10);
    return Ulid.from(bytes).toString();
  }
}
